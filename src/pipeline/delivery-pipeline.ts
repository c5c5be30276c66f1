import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, Stage, Validations } from 'aws-cdk-lib';
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
import { described, known, Validation } from '../private/validation';

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
      new Validation('DeliveryPipeline', this, 'arguments of pipelineFor')
        .fail('name', name, this.environments.map((e) => e.name).join(', '), "is not one of this pipeline's environments")
        .throwIfInvalid();
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
    const v = new Validation('DeliveryPipeline', this);
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
      v.fail('environments', environments, `one to three of ${DeliveryPipeline.ENVIRONMENT_NAMES.join(', ')}`);
    }
    const names = new Map<string, number>();
    const branches = new Map<string, string>();
    environments.forEach((e, i) => {
      const at = `environments[${i}]`;
      const defaults = ENVIRONMENTS[e.name];
      if (!defaults) {
        v.fail(`${at}.name`, e.name, DeliveryPipeline.ENVIRONMENT_NAMES.join(', '), 'is not an environment name');
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

  private checkStage(stage: Stage, environment: DeliveryEnvironment): void {
    const v = new Validation('DeliveryPipeline', this);
    if (!Stage.isStage(stage)) {
      v.fail('stageFactory', described(`createStage for ${environment.name} returned ${String(stage)}`), 'a Stage');
    } else if (stage.account !== environment.account || stage.region !== environment.region) {
      v.fail('stageFactory', described(`the stage for ${environment.name} deploys to ${stage.account ?? 'no account'}/${stage.region ?? 'no region'}`),
        `${environment.account}/${environment.region} (pass env: environment.env to the Stage)`);
    }
    v.throwIfInvalid();
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
    new Validation('DeliveryPipeline', scope, 'environment variables')
      .fail(DeliveryPipeline.COMPLIANCE_GATE_VARIABLE, value, `a comma-separated list of ${Object.values(CompliancePack).join(', ')}`,
        `names no pack or an unknown one (${unknown.join(', ')})`)
      .throwIfInvalid();
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
