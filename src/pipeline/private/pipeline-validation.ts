import { Stack, Stage } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ENVIRONMENTS, PRODUCTION, ResolvedImageBuild } from './environment-defaults';
import { CompliancePack } from '../../compliance';
import { described, known, Validation } from '../../private/validation';
import { DeliveryConfigValue, DeliveryEnvironment } from '../delivery-environment';
import type { DeliveryPipelineProps } from '../delivery-pipeline';

const ENVIRONMENT_NAMES = Object.keys(ENVIRONMENTS);
const BRANCH = /^[A-Za-z0-9._/-]+$/;
const REPOSITORY_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** The props of a `DeliveryPipeline` after defaults, as the checks need them. */
export interface ResolvedPipelineProps {
  readonly synthCommands: string[];
  readonly compliancePacks: CompliancePack[];
  readonly cdkOutputDirectory: string;
  readonly image?: ResolvedImageBuild;
}

/** Every problem of a `DeliveryPipeline`'s props, thrown as one error. */
export function validatePipelineProps(scope: Construct, props: DeliveryPipelineProps, resolved: ResolvedPipelineProps): void {

  const stack = Stack.of(scope);
  const v = new Validation('DeliveryPipeline', scope);
  const stackHasAccount = known(stack.account);
  if (!stackHasAccount || !known(stack.region)) {
    v.fail('env', stack, "a stack with env: { account: '111111111111', region: 'eu-west-1' } (CDK Pipelines deploys across accounts and regions)",
      `holds DeliveryPipeline and has no ${!stackHasAccount ? 'account' : 'region'}`);
  }
  if (props.source) {
    v.lines('source', props.source.validate());
  } else {
    v.fail('source', undefined, 'DeliverySource.connection(...) or DeliverySource.s3(...)');
  }

  const environments = props.environments ?? [];
  if (environments.length === 0) {
    v.fail('environments', environments, `one to three of ${ENVIRONMENT_NAMES.join(', ')}`);
  }
  const names = new Map<string, number>();
  const branches = new Map<string, string>();
  environments.forEach((e, i) => {
    const at = `environments[${i}]`;
    const defaults = ENVIRONMENTS[e.name];
    if (!defaults) {
      v.fail(`${at}.name`, e.name, ENVIRONMENT_NAMES.join(', '), 'is not an environment name');
    } else if (names.has(e.name)) {
      v.fail(`${at}.name`, e.name, 'each name once', `is already environments[${names.get(e.name)}]`);
    } else {
      names.set(e.name, i);
    }
    const branch = e.branch ?? defaults?.branch;
    if (branch !== undefined && known(branch)) {
      if (!BRANCH.test(branch)) {
        v.fail(`${at}.branch`, branch, 'letters, digits and . _ / -', 'is not a branch name');
      } else if (branches.has(branch)) {
        v.fail(`${at}.branch`, branch, 'one environment per branch', `is already the branch of ${branches.get(branch)}`);
      } else {
        branches.set(branch, e.name);
      }
    }
    if (e.account === undefined) {
      if (!stackHasAccount) v.fail(`${at}.account`, undefined, 'a 12-digit account id', 'and the pipeline stack has no account to default to');
    } else {
      v.accountId(`${at}.account`, e.account);
    }
    v.region(`${at}.region`, e.region);
    const waiver = e.approvalWaiverReason;
    const requiresApproval = e.requireApproval ?? defaults?.approval ?? false;
    if (e.name === PRODUCTION && !requiresApproval && (waiver === undefined || waiver.trim() === '')) {
      v.fail(`${at}.requireApproval`, false, 'requireApproval true (the default), or a non-empty approvalWaiverReason',
        `for ${PRODUCTION} needs approvalWaiverReason saying why production may deploy without a manual approval`);
    }
    if (waiver !== undefined && (requiresApproval || e.name !== PRODUCTION)) {
      v.fail(`${at}.approvalWaiverReason`, waiver, `only with requireApproval: false on ${PRODUCTION}`,
        `is set, but ${e.name} ${requiresApproval ? 'requires an approval' : 'needs no waiver'}`);
    }
    for (const [key, value] of Object.entries(e.config ?? {})) {
      if (!(value instanceof DeliveryConfigValue)) {
        v.fail(`${at}.config.${key}`, value, 'DeliveryConfigValue.fromString(...), DeliveryConfigValue.fromNumber(...) or DeliveryConfigValue.fromBoolean(...)',
          `is a ${Array.isArray(value) ? 'list' : typeof value}`);
      }
    }
  });

  v.nonEmpty('synthCommands', resolved.synthCommands, 'at least one command that writes the cloud assembly, e.g. npx cdk synth');
  const unknownPacks = resolved.compliancePacks.filter((p) => !Object.values(CompliancePack).includes(p));
  if (resolved.compliancePacks.length === 0 || unknownPacks.length > 0) {
    v.fail('compliancePacks', resolved.compliancePacks, `at least one of ${Object.values(CompliancePack).join(', ')}`);
  }
  v.check('cdkOutputDirectory', resolved.cdkOutputDirectory, /^[A-Za-z0-9._/-]+$/.test(resolved.cdkOutputDirectory) && !resolved.cdkOutputDirectory.includes('..'),
    "e.g. 'cdk.out'", 'is not a relative directory');
  const image = resolved.image;
  if (image) {
    if (!known(image.repositoryName) || !REPOSITORY_NAME.test(image.repositoryName) || image.repositoryName.length > 256) {
      v.fail('imageBuild.repositoryName', image.repositoryName, 'lower-case letters, digits and . _ - / (give one when the stack name is a token)', 'is not an ECR repository name');
    }
    v.check('imageBuild.maxImageCount', image.maxImageCount, Number.isInteger(image.maxImageCount) && image.maxImageCount >= 1, 'a whole number of at least 1');
    for (const [key, p] of [['directory', image.directory], ['dockerfile', image.dockerfile]]) {
      v.check(`imageBuild.${key}`, p, /^[A-Za-z0-9._/-]+$/.test(p) && !p.startsWith('/') && !p.split('/').includes('..'),
        'a relative path of letters, digits and . _ / -', 'is not a path inside the repository');
    }
    image.buildCommands.forEach((command, i) => {
      v.check(`imageBuild.buildCommands[${i}]`, command, typeof command === 'string' && command.trim() !== '' && !/[\r\n]/.test(command),
        "one shell command on one line, e.g. 'npx projen examples:build'", typeof command === 'string' ? 'is empty or spans lines' : `is a ${typeof command}`);
    });
  }
  for (const [prop, emails] of [['approverEmails', props.approverEmails], ['notificationEmails', props.notificationEmails]] as const) {
    (emails ?? []).forEach((email, i) => v.matches(`${prop}[${i}]`, email, EMAIL, "an e-mail address such as 'release@example.com'", 'is not an e-mail address'));
  }
  if (props.subnetSelection && !props.vpc) {
    v.fail('subnetSelection', props.subnetSelection, 'only together with vpc', 'is set without vpc');
  }
  if (!props.stageFactory || typeof props.stageFactory.createStage !== 'function') {
    v.fail('stageFactory', props.stageFactory, 'an object with createStage(scope, id, environment) returning a Stage');
  }
  v.throwIfInvalid();
}

/** The stage the factory created must be a Stage in the environment's account and region. */
export function checkStage(scope: Construct, stage: Stage, environment: DeliveryEnvironment): void {
  const v = new Validation('DeliveryPipeline', scope);
  if (!Stage.isStage(stage)) {
    v.fail('stageFactory', described(`createStage for ${environment.name} returned ${String(stage)}`), 'a Stage');
  } else if (stage.account !== environment.account || stage.region !== environment.region) {
    v.fail('stageFactory', described(`the stage for ${environment.name} deploys to ${stage.account ?? 'no account'}/${stage.region ?? 'no region'}`),
      `${environment.account}/${environment.region} (pass env: environment.env to the Stage)`);
  }
  v.throwIfInvalid();
}
