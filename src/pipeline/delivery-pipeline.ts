import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, Stage, Token, Validations } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as cpactions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { DeliveryConfigValue, DeliveryEnvironment, DeliveryEnvironmentProps, IDeliveryStageFactory } from './delivery-environment';
import { DeliverySource } from './delivery-source';
import { Compliance, CompliancePack } from '../compliance';
import { acknowledgePipelineResources } from './private/acknowledgements';
import { accessLogBucket, enableEventBridge, logAccessTo } from '../private/buckets';
import { secureKey } from '../private/kms-key';
import { acknowledgeEach, nagResourceText, S3_REPLICATION_RULES } from '../private/nag-id';

/** Options of the container image that a `DeliveryPipeline` builds and pushes to ECR. */
export interface DeliveryImageBuildOptions {
  /**
   * The Docker build context, relative to the repository root.
   *
   * @default '.'
   */
  readonly directory?: string;

  /**
   * The Dockerfile, relative to `directory`.
   *
   * @default 'Dockerfile'
   */
  readonly dockerfile?: string;

  /**
   * The ECR repository name.
   *
   * @default - `<stack name>-<construct id>`, lower-cased
   */
  readonly repositoryName?: string;

  /**
   * How many images the repository keeps (oldest expire first); untagged images expire after a day.
   * Keep it above the number of commits delivered between two PROD releases: tags are immutable and
   * PROD keeps pulling its image when it scales out.
   *
   * @default 250
   */
  readonly maxImageCount?: number;
}

/** Properties of a `DeliveryPipeline`. */
export interface DeliveryPipelineProps {
  /** Where the pipelines take their source from. */
  readonly source: DeliverySource;

  /** The environments, each with its branch; one pipeline per environment. */
  readonly environments: DeliveryEnvironmentProps[];

  /** Creates your application's stage for each environment. */
  readonly stageFactory: IDeliveryStageFactory;

  /**
   * Install commands of the synth step.
   *
   * @default ['npm ci']
   */
  readonly installCommands?: string[];

  /**
   * Test commands of the synth step, run before synth.
   *
   * @default ['npm test']
   */
  readonly testCommands?: string[];

  /**
   * Synth commands. They run with `RAMPART_COMPLIANCE_GATE` set, so the DeliveryPipeline in the app
   * registers the compliance packs and the synth fails on any unacknowledged finding (the gate).
   *
   * @default ['npx cdk synth']
   */
  readonly synthCommands?: string[];

  /**
   * The packs of the compliance gate: the synth in the pipeline fails on any unacknowledged finding
   * of these packs in the pipeline stack or in the stages it deploys. No need to call
   * `Compliance.of(app).enable()` yourself (if you do, the packs run twice, with the same result).
   *
   * @default - every pack: `Compliance.DEFAULT_PACKS`
   */
  readonly compliancePacks?: CompliancePack[];

  /**
   * The directory the synth commands write the cloud assembly to.
   *
   * @default 'cdk.out'
   */
  readonly cdkOutputDirectory?: string;

  /**
   * Build a container image from the repository and push it to a new ECR repository before each
   * deployment; the stage reads its tag from `DeliveryEnvironment.imageTag`.
   *
   * @default - no image build
   */
  readonly imageBuild?: DeliveryImageBuildOptions;

  /**
   * E-mail addresses subscribed to the approval topic.
   *
   * @default - none: subscribe approvers to `approvalTopic` yourself
   */
  readonly approverEmails?: string[];

  /**
   * E-mail addresses subscribed to the failure notification topic.
   *
   * @default - none: subscribe to `notificationTopic` yourself
   */
  readonly notificationEmails?: string[];

  /**
   * Let the production pipeline update the pipeline stack (CDK Pipelines self-mutation). Only the
   * pipeline of PROD (or of the last environment when there is no PROD) self-mutates: a push to a
   * development branch can then never change the production pipeline.
   *
   * @default true
   */
  readonly selfMutation?: boolean;

  /**
   * Run every CodeBuild project in this VPC.
   *
   * @default - CodeBuild runs outside a VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The subnets of `vpc` CodeBuild runs in.
   *
   * @default - the VPC's private subnets
   */
  readonly subnetSelection?: ec2.SubnetSelection;

  /**
   * How long build logs are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The bucket that receives the artifact bucket's server access logs.
   *
   * @default - a new bucket
   */
  readonly accessLogsBucket?: s3.IBucket;
}

const ENVIRONMENTS: { readonly [name: string]: { readonly branch: string; readonly approval: boolean } } = {
  DEV: { branch: 'dev', approval: false },
  UAT: { branch: 'uat', approval: false },
  PROD: { branch: 'main', approval: true },
};
const PRODUCTION = 'PROD';
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const BRANCH = /^[A-Za-z0-9._/-]+$/;
const REPOSITORY_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const DEFAULT_MAX_IMAGES = 250;
const BUILD_IMAGE = codebuild.LinuxBuildImage.STANDARD_7_0;
/** Docker tag of the commit being built: CodeBuild's resolved source version, made tag-safe. */
const IMAGE_TAG_EXPORT = `export ${DeliveryEnvironment.IMAGE_TAG_VARIABLE}=$(printf %s "$CODEBUILD_RESOLVED_SOURCE_VERSION" | tr -c 'A-Za-z0-9_.-' '-' | cut -c1-128)`;

/**
 * Delivery of a CDK app to DEV, UAT and PROD, each from its own branch, through CDK Pipelines.
 *
 * One pipeline per environment: source (CodeConnections or S3), synth (install, test, `cdk synth`
 * with the compliance packs as a gate), an optional container image build to ECR, a
 * manual approval before PROD (notified on an encrypted SNS topic), and the deployment of the
 * stage your factory creates. Artifacts are KMS-encrypted (rotated key) in a versioned, TLS-only
 * bucket; build logs are kept in an encrypted log group; failed executions notify an encrypted topic.
 *
 * The stack holding it needs an `env` with account and region.
 */
export class DeliveryPipeline extends Construct {
  /** The environment names and their default branches. */
  public static readonly ENVIRONMENT_NAMES: string[] = Object.keys(ENVIRONMENTS);

  /**
   * Environment variable the synth step sets to the packs of the compliance gate (comma-separated).
   * When it is set, every `DeliveryPipeline` registers those packs on its app, so the synth of the
   * app fails on any unacknowledged finding in the pipeline stack or in any stage it deploys.
   */
  public static readonly COMPLIANCE_GATE_VARIABLE = 'RAMPART_COMPLIANCE_GATE';

  /** The environments, resolved, in the order given. */
  public readonly environments: DeliveryEnvironment[];
  /** The CDK pipelines, one per environment, in the order of `environments`. */
  public readonly pipelines: pipelines.CodePipeline[];
  /** The stages your factory created, in the order of `environments`. */
  public readonly stages: Stage[];
  /** The artifact bucket shared by the pipelines. */
  public readonly artifactBucket: s3.Bucket;
  /** The key encrypting the artifacts (rotated yearly); CDK Pipelines shares it with the deploy roles of the environments' accounts. */
  public readonly artifactKey: kms.Key;
  /** The key encrypting build logs, topics and the image repository (rotated yearly). */
  public readonly encryptionKey: kms.Key;
  /** The bucket receiving the artifact bucket's access logs. */
  public readonly accessLogsBucket: s3.IBucket;
  /** The log group of every CodeBuild project of the pipelines. */
  public readonly logGroup: logs.LogGroup;
  /** Where approval requests are sent. */
  public readonly approvalTopic: sns.Topic;
  /** Where failed executions are reported. */
  public readonly notificationTopic: sns.Topic;
  /** The image repository, when `imageBuild` is set. */
  public readonly repository?: ecr.Repository;

  constructor(scope: Construct, id: string, props: DeliveryPipelineProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const installCommands = props.installCommands ?? ['npm ci'];
    const testCommands = props.testCommands ?? ['npm test'];
    const synthCommands = props.synthCommands ?? ['npx cdk synth'];
    const compliancePacks = props.compliancePacks ?? Compliance.DEFAULT_PACKS;
    const cdkOutputDirectory = props.cdkOutputDirectory ?? 'cdk.out';
    const selfMutation = props.selfMutation ?? true;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const image = props.imageBuild ? {
      directory: props.imageBuild.directory ?? '.',
      dockerfile: props.imageBuild.dockerfile ?? 'Dockerfile',
      repositoryName: props.imageBuild.repositoryName ?? `${stack.stackName}-${id}`.toLowerCase().replace(/[^a-z0-9._/-]+/g, '-'),
      maxImageCount: props.imageBuild.maxImageCount ?? DEFAULT_MAX_IMAGES,
    } : undefined;

    this.validate(props, { synthCommands, compliancePacks, cdkOutputDirectory, image });
    enableComplianceGate(this);

    const repositoryArn = image ? `arn:${Aws.PARTITION}:ecr:${stack.region}:${stack.account}:repository/${image.repositoryName}` : undefined;
    this.environments = props.environments.map((e) => {
      const defaults = ENVIRONMENTS[e.name];
      const requiresApproval = e.requireApproval ?? defaults.approval;
      return new DeliveryEnvironment({
        name: e.name,
        branch: e.branch ?? defaults.branch,
        account: e.account ?? stack.account,
        region: e.region ?? stack.region,
        requiresApproval,
        approvalWaiverReason: requiresApproval ? undefined : e.approvalWaiverReason?.trim(),
        config: e.config,
        imageRepositoryName: image?.repositoryName,
        imageRepositoryArn: repositoryArn,
      });
    });

    // Keys: one for the artifacts (shared with the environments' deploy roles by CDK Pipelines),
    // one for logs, topics and images (never shared with deploy roles).
    this.artifactKey = secureKey(this, 'ArtifactKey', { description: `Pipeline artifacts of ${this.node.path}` });
    this.encryptionKey = secureKey(this, 'Key', { description: `Build logs, notifications and images of ${this.node.path}`, forLogs: true });

    this.accessLogsBucket = props.accessLogsBucket ?? accessLogBucket(this, 'AccessLogsBucket');
    this.artifactBucket = new s3.Bucket(this, 'ArtifactBucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.artifactKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [{
        noncurrentVersionExpiration: Duration.days(30),
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    logAccessTo(this.artifactBucket, this.accessLogsBucket, 'artifacts/');
    enableEventBridge(this.artifactBucket);
    Compliance.acknowledge(this.artifactBucket.node.defaultChild!, 's3_bucket_object_lock_enabled_check',
      'Pipeline artifacts are rebuilt from source on every execution and expire by lifecycle rule; a WORM retention would keep stale artifacts and block that expiry. Versioning, the KMS key, TLS-only access and the private bucket policy protect them.');
    acknowledgeEach(this.artifactBucket.node.defaultChild!, S3_REPLICATION_RULES,
      'Pipeline artifacts are transient build outputs that any execution recreates from the source repository; a replica in another region would hold nothing that cannot be rebuilt.');

    this.logGroup = new logs.LogGroup(this, 'BuildLogs', {
      retention: logRetention,
      encryptionKey: this.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.approvalTopic = new sns.Topic(this, 'ApprovalTopic', {
      displayName: 'Delivery approvals',
      masterKey: this.encryptionKey,
      enforceSSL: true,
    });
    this.notificationTopic = new sns.Topic(this, 'NotificationTopic', {
      displayName: 'Delivery failures',
      masterKey: this.encryptionKey,
      enforceSSL: true,
    });
    for (const email of props.approverEmails ?? []) this.approvalTopic.addSubscription(new subs.EmailSubscription(email));
    for (const email of props.notificationEmails ?? []) this.notificationTopic.addSubscription(new subs.EmailSubscription(email));

    if (image) {
      this.repository = new ecr.Repository(this, 'Repository', {
        repositoryName: image.repositoryName,
        imageScanOnPush: true,
        imageTagMutability: ecr.TagMutability.IMMUTABLE,
        encryption: ecr.RepositoryEncryption.KMS,
        encryptionKey: this.encryptionKey,
        lifecycleRules: [
          { description: 'Untagged images expire after a day', tagStatus: ecr.TagStatus.UNTAGGED, maxImageAge: Duration.days(1) },
          { description: `Keep the last ${image.maxImageCount} images`, tagStatus: ecr.TagStatus.ANY, maxImageCount: image.maxImageCount },
        ],
        removalPolicy: RemovalPolicy.RETAIN,
      });
      // The environments' accounts pull the images they deploy.
      for (const account of new Set(this.environments.map((e) => e.account).filter((a) => a !== stack.account))) {
        this.repository.grantPull(new iam.AccountPrincipal(account));
      }
    }

    const codeBuildDefaults: pipelines.CodeBuildOptions = {
      buildEnvironment: { buildImage: BUILD_IMAGE, computeType: codebuild.ComputeType.SMALL, privileged: false },
      logging: { cloudWatch: { logGroup: this.logGroup } },
      vpc: props.vpc,
      subnetSelection: props.vpc ? props.subnetSelection ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } : undefined,
      timeout: Duration.minutes(60),
    };
    const productionIndex = this.productionIndex();

    this.pipelines = [];
    this.stages = [];
    this.environments.forEach((environment, i) => {
      const source = props.source.forBranch(environment.branch);
      const synth = new pipelines.ShellStep('Synth', {
        input: source,
        installCommands,
        commands: [...(image ? [IMAGE_TAG_EXPORT] : []), ...testCommands, ...synthCommands],
        env: { [DeliveryPipeline.COMPLIANCE_GATE_VARIABLE]: compliancePacks.join(',') },
        primaryOutputDirectory: cdkOutputDirectory,
      });
      const codePipeline = new codepipeline.Pipeline(this, `${environment.name}Pipeline`, {
        pipelineType: codepipeline.PipelineType.V2,
        artifactBucket: this.artifactBucket,
        restartExecutionOnUpdate: true,
      });
      const pipeline = new pipelines.CodePipeline(this, `${environment.name}Delivery`, {
        codePipeline,
        synth,
        selfMutation: selfMutation && i === productionIndex,
        codeBuildDefaults,
        dockerEnabledForSynth: false,
        dockerEnabledForSelfMutation: false,
        publishAssetsInParallel: false,
        useChangeSets: true,
      });

      const stage = props.stageFactory.createStage(this, environment.name, environment);
      this.checkStage(stage, environment);

      const pre: pipelines.Step[] = [];
      let imageStep: pipelines.Step | undefined;
      if (image && this.repository) {
        imageStep = this.imageBuildStep(source, image, this.repository);
        pre.push(imageStep);
      }
      if (environment.requiresApproval) {
        const approval = new TopicApprovalStep(`Approve${environment.name}`, {
          topic: this.approvalTopic,
          comment: `Deploy ${environment.branch} to ${environment.name} (${environment.account}/${environment.region})?`,
        });
        if (imageStep) approval.addStepDependency(imageStep);
        pre.push(approval);
      } else if (environment.approvalWaiverReason) {
        new CfnOutput(this, `${environment.name}ApprovalWaiver`, {
          description: `${environment.name} deploys without manual approval`,
          value: environment.approvalWaiverReason,
        });
      }
      pipeline.addWave(environment.name, { pre }).addStage(stage);
      pipeline.buildPipeline();

      codePipeline.notifyOn('Failures', this.notificationTopic, {
        events: [codepipeline.PipelineNotificationEvents.PIPELINE_EXECUTION_FAILED],
      });
      this.pipelines.push(pipeline);
      this.stages.push(stage);
    });

    this.acknowledgeFindings(props.source);
  }

  /** The pipeline of one environment. */
  public pipelineFor(name: string): pipelines.CodePipeline {
    const i = this.environments.findIndex((e) => e.name === name);
    if (i < 0) {
      throw new Error(`DeliveryPipeline.pipelineFor: name '${name}' is not one of this pipeline's environments; allowed: ${this.environments.map((e) => e.name).join(', ')}`);
    }
    return this.pipelines[i];
  }

  /** Findings that the pipelines' own resources cannot avoid, each on the resource that holds it. */
  private acknowledgeFindings(source: DeliverySource): void {
    const stack = Stack.of(this);
    acknowledgePipelineResources(this, {
      artifactBucketArn: nagResourceText(this, this.artifactBucket.bucketArn),
      sourceBucketArn: source.bucketArn ? nagResourceText(this, source.bucketArn) : undefined,
    });
    for (const project of this.node.findAll().filter((c): c is codebuild.CfnProject => c instanceof codebuild.CfnProject)) {
      if (Stage.of(project) === Stage.of(this) && stack.resolve(project.environment)?.privilegedMode === true && project.node.path.includes('/ImageBuild/')) {
        Compliance.acknowledge(project, 'codebuild_project_environment_privileged_check',
          'The image build runs the Docker daemon, which needs privileged mode; the project only builds the repository\'s Dockerfile and pushes to the one ECR repository its role allows. Every other project of the pipeline runs unprivileged.');
      }
    }
  }

  private validate(props: DeliveryPipelineProps, resolved: {
    synthCommands: string[];
    compliancePacks: CompliancePack[];
    cdkOutputDirectory: string;
    image?: { directory: string; dockerfile: string; repositoryName: string; maxImageCount: number };
  }): void {
    const stack = Stack.of(this);
    const problems: string[] = [];
    const stackHasAccount = !Token.isUnresolved(stack.account);
    if (!stackHasAccount || Token.isUnresolved(stack.region)) {
      problems.push(`env: the stack '${stack.node.path}' holding DeliveryPipeline has no ${!stackHasAccount ? 'account' : 'region'}; allowed: a stack with env: { account: '111111111111', region: 'eu-west-1' } (CDK Pipelines deploys across accounts and regions)`);
    }
    problems.push(...(props.source?.validate() ?? ['source: required; allowed: DeliverySource.connection(...) or DeliverySource.s3(...)']));

    const environments = props.environments ?? [];
    if (environments.length === 0) {
      problems.push(`environments: empty; allowed: one to three of ${DeliveryPipeline.ENVIRONMENT_NAMES.join(', ')}`);
    }
    const names = new Map<string, number>();
    const branches = new Map<string, string>();
    environments.forEach((e, i) => {
      const at = `environments[${i}]`;
      const defaults = ENVIRONMENTS[e.name];
      if (!defaults) {
        problems.push(`${at}.name: '${e.name}' is not an environment name; allowed: ${DeliveryPipeline.ENVIRONMENT_NAMES.join(', ')}`);
      } else if (names.has(e.name)) {
        problems.push(`${at}.name: '${e.name}' is already environments[${names.get(e.name)}]; allowed: each name once`);
      } else {
        names.set(e.name, i);
      }
      const branch = e.branch ?? defaults?.branch;
      if (branch !== undefined && !Token.isUnresolved(branch)) {
        if (!BRANCH.test(branch)) {
          problems.push(`${at}.branch: '${branch}' is not a branch name; allowed: letters, digits and . _ / -`);
        } else if (branches.has(branch)) {
          problems.push(`${at}.branch: '${branch}' is already the branch of ${branches.get(branch)}; allowed: one environment per branch`);
        } else {
          branches.set(branch, e.name);
        }
      }
      if (e.account === undefined) {
        if (!stackHasAccount) {
          problems.push(`${at}.account: not set, and the pipeline stack has no account to default to; allowed: a 12-digit account id`);
        }
      } else if (!Token.isUnresolved(e.account) && !ACCOUNT.test(e.account)) {
        problems.push(`${at}.account: '${e.account}' is not an account id; allowed: 12 digits`);
      }
      if (e.region !== undefined && !Token.isUnresolved(e.region) && !REGION.test(e.region)) {
        problems.push(`${at}.region: '${e.region}' is not a region; allowed: e.g. 'eu-west-1'`);
      }
      const waiver = e.approvalWaiverReason;
      const requiresApproval = e.requireApproval ?? defaults?.approval ?? false;
      if (e.name === PRODUCTION && !requiresApproval && (waiver === undefined || waiver.trim() === '')) {
        problems.push(`${at}.requireApproval: false for ${PRODUCTION} needs approvalWaiverReason saying why production may deploy without a manual approval; allowed: requireApproval true (the default), or a non-empty approvalWaiverReason`);
      }
      if (waiver !== undefined && (requiresApproval || e.name !== PRODUCTION)) {
        problems.push(`${at}.approvalWaiverReason: set, but ${e.name} ${requiresApproval ? 'requires an approval' : 'needs no waiver'}; allowed: only with requireApproval: false on ${PRODUCTION}`);
      }
      for (const [key, value] of Object.entries(e.config ?? {})) {
        if (!(value instanceof DeliveryConfigValue)) {
          problems.push(`${at}.config.${key}: ${JSON.stringify(value)} is a ${Array.isArray(value) ? 'list' : typeof value}; allowed: DeliveryConfigValue.fromString(...), DeliveryConfigValue.fromNumber(...) or DeliveryConfigValue.fromBoolean(...)`);
        }
      }
    });

    if (resolved.synthCommands.length === 0) {
      problems.push('synthCommands: empty; allowed: at least one command that writes the cloud assembly, e.g. npx cdk synth');
    }
    const unknownPacks = resolved.compliancePacks.filter((p) => !Object.values(CompliancePack).includes(p));
    if (resolved.compliancePacks.length === 0 || unknownPacks.length > 0) {
      problems.push(`compliancePacks: [${resolved.compliancePacks.join(', ')}]; allowed: at least one of ${Object.values(CompliancePack).join(', ')}`);
    }
    if (!/^[A-Za-z0-9._/-]+$/.test(resolved.cdkOutputDirectory) || resolved.cdkOutputDirectory.includes('..')) {
      problems.push(`cdkOutputDirectory: '${resolved.cdkOutputDirectory}' is not a relative directory; allowed: e.g. 'cdk.out'`);
    }
    const image = resolved.image;
    if (image) {
      if (Token.isUnresolved(image.repositoryName) || !REPOSITORY_NAME.test(image.repositoryName) || image.repositoryName.length > 256) {
        problems.push(`imageBuild.repositoryName: '${image.repositoryName}' is not an ECR repository name; allowed: lower-case letters, digits and . _ - / (give one when the stack name is a token)`);
      }
      if (!Number.isInteger(image.maxImageCount) || image.maxImageCount < 1) {
        problems.push(`imageBuild.maxImageCount: ${image.maxImageCount}; allowed: a whole number of at least 1`);
      }
      for (const [key, path] of [['directory', image.directory], ['dockerfile', image.dockerfile]]) {
        if (!/^[A-Za-z0-9._/-]+$/.test(path) || path.startsWith('/') || path.split('/').includes('..')) {
          problems.push(`imageBuild.${key}: '${path}' is not a path inside the repository; allowed: a relative path of letters, digits and . _ / -`);
        }
      }
    }
    for (const [prop, emails] of [['approverEmails', props.approverEmails], ['notificationEmails', props.notificationEmails]] as const) {
      for (const email of emails ?? []) {
        if (!Token.isUnresolved(email) && !EMAIL.test(email)) problems.push(`${prop}: '${email}' is not an e-mail address`);
      }
    }
    if (props.subnetSelection && !props.vpc) {
      problems.push('subnetSelection: set without vpc; allowed: only together with vpc');
    }
    if (!props.stageFactory || typeof props.stageFactory.createStage !== 'function') {
      problems.push('stageFactory: required; allowed: an object with createStage(scope, id, environment) returning a Stage');
    }
    if (problems.length > 0) {
      throw new Error(`DeliveryPipeline at '${this.node.path}':\n  - ${problems.join('\n  - ')}`);
    }
  }

  private checkStage(stage: Stage, environment: DeliveryEnvironment): void {
    if (!Stage.isStage(stage)) {
      throw new Error(`DeliveryPipeline at '${this.node.path}':\n  - stageFactory: createStage for ${environment.name} returned ${String(stage)}; allowed: a Stage`);
    }
    if (stage.account !== environment.account || stage.region !== environment.region) {
      throw new Error(`DeliveryPipeline at '${this.node.path}':\n  - stageFactory: the stage for ${environment.name} deploys to ${stage.account ?? 'no account'}/${stage.region ?? 'no region'}; allowed: ${environment.account}/${environment.region} (pass env: environment.env to the Stage)`);
    }
  }

  /** PROD, or the last environment when there is no PROD. */
  private productionIndex(): number {
    const i = this.environments.findIndex((e) => e.name === PRODUCTION);
    return i >= 0 ? i : this.environments.length - 1;
  }

  private imageBuildStep(
    input: pipelines.IFileSetProducer,
    image: { directory: string; dockerfile: string; repositoryName: string },
    repository: ecr.Repository,
  ): pipelines.CodeBuildStep {
    const stack = Stack.of(this);
    const registry = `${stack.account}.dkr.ecr.${stack.region}.${stack.urlSuffix}`;
    const uri = `${registry}/${image.repositoryName}`;
    const variable = `$${DeliveryEnvironment.IMAGE_TAG_VARIABLE}`;
    return new pipelines.CodeBuildStep('ImageBuild', {
      input,
      buildEnvironment: { privileged: true },
      commands: [
        IMAGE_TAG_EXPORT,
        `aws ecr get-login-password --region ${stack.region} | docker login --username AWS --password-stdin ${registry}`,
        // Tags are immutable: a commit delivered to an earlier environment already has its image.
        `if aws ecr describe-images --repository-name ${image.repositoryName} --image-ids imageTag=${variable} > /dev/null 2>&1; then echo "Image ${variable} exists"; ` +
        `else docker build -f ${image.directory}/${image.dockerfile} -t ${uri}:${variable} ${image.directory} && docker push ${uri}:${variable}; fi`,
      ],
      rolePolicyStatements: [
        new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
        new iam.PolicyStatement({
          actions: [
            'ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:CompleteLayerUpload', 'ecr:DescribeImages',
            'ecr:GetDownloadUrlForLayer', 'ecr:InitiateLayerUpload', 'ecr:PutImage', 'ecr:UploadLayerPart',
          ],
          resources: [repository.repositoryArn],
        }),
      ],
    });
  }

}

const gatedApps = new WeakSet<Stage>();

/**
 * In the pipeline's synth step (RAMPART_COMPLIANCE_GATE set), register the packs on the app once,
 * so that synth fails on findings. Outside the pipeline nothing is registered.
 */
function enableComplianceGate(scope: Construct): void {
  const value = process.env[DeliveryPipeline.COMPLIANCE_GATE_VARIABLE];
  if (!value) return;
  const app = scope.node.root;
  if (!Stage.isStage(app) || gatedApps.has(app)) return;
  const packs = value.split(',').map((p) => p.trim()).filter((p) => p.length > 0) as CompliancePack[];
  const unknown = packs.filter((p) => !Object.values(CompliancePack).includes(p));
  if (unknown.length > 0 || packs.length === 0) {
    throw new Error(`DeliveryPipeline: ${DeliveryPipeline.COMPLIANCE_GATE_VARIABLE}='${value}' names no pack or an unknown one (${unknown.join(', ')}); allowed: ${Object.values(CompliancePack).join(', ')}`);
  }
  Validations.of(app).addPlugins(...Compliance.plugins(app, { packs }));
  gatedApps.add(app);
}

/** A manual approval that notifies the approvers' topic (CDK Pipelines' ManualApprovalStep has no topic). */
class TopicApprovalStep extends pipelines.Step implements pipelines.ICodePipelineActionFactory {
  constructor(id: string, private readonly options: { topic: sns.ITopic; comment: string }) {
    super(id);
  }

  public produceAction(stage: codepipeline.IStage, options: pipelines.ProduceActionOptions): pipelines.CodePipelineActionFactoryResult {
    stage.addAction(new cpactions.ManualApprovalAction({
      actionName: options.actionName,
      runOrder: options.runOrder,
      notificationTopic: this.options.topic,
      additionalInformation: this.options.comment,
    }));
    return { runOrdersConsumed: 1 };
  }
}
