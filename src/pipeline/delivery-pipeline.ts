import { Aws, Duration, RemovalPolicy, Stack, Stage } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { DeliveryEnvironment, DeliveryEnvironmentProps, IDeliveryStageFactory } from './delivery-environment';
import { DeliverySource } from './delivery-source';
import { Compliance, CompliancePack } from '../compliance';
import { acknowledgePipelineResources } from './private/acknowledgements';
import { COMPLIANCE_GATE_VARIABLE, enableComplianceGate } from './private/compliance-gate';
import { environmentDelivery } from './private/environment-build';
import { ENVIRONMENTS, PRODUCTION } from './private/environment-defaults';
import { artifactBucket, imageRepository } from './private/pipeline-resources';
import { validatePipelineProps } from './private/pipeline-validation';
import { ReplicationBuckets } from './private/replication-buckets';
import { accessLogBucket } from '../private/buckets';
import { secureKey } from '../private/kms-key';
import { nagResourceText } from '../private/nag-id';
import { Validation } from '../private/validation';

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

  /**
   * Commands that prepare the build context before `docker build`, when the Dockerfile builds from
   * files the repository does not hold (a bundle, a generated folder), e.g.
   * `['bash tools/setup.sh', 'npx projen examples:build']`. They run from the repository root in the
   * image build's CodeBuild project, only when the commit's image is not in the repository yet;
   * `docker build` then runs from the repository root again.
   *
   * @default - none: `directory` is built as the repository holds it
   */
  readonly buildCommands?: string[];
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

const DEFAULT_MAX_IMAGES = 250;
const BUILD_IMAGE = codebuild.LinuxBuildImage.STANDARD_7_0;

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
  public static readonly COMPLIANCE_GATE_VARIABLE = COMPLIANCE_GATE_VARIABLE;

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
  /**
   * The artifact buckets of the regions other than the pipeline stack's that stages deploy to (a
   * recovery region), by region, each in a support stack of the pipeline account in that region
   * (`<pipeline stack name>-<construct id>-<region>`), made like `artifactBucket`: KMS key with
   * rotation, versioned, TLS-only, access-logged. Empty when every stage is in the pipeline's region.
   */
  public readonly replicationBuckets: Record<string, s3.IBucket>;

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
      buildCommands: props.imageBuild.buildCommands ?? [],
    } : undefined;

    validatePipelineProps(this, props, { synthCommands, compliancePacks, cdkOutputDirectory, image });
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
    this.artifactBucket = artifactBucket(this, this.artifactKey, this.accessLogsBucket);

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

    if (image) this.repository = imageRepository(this, image, this.encryptionKey, this.environments.map((e) => e.account));

    const codeBuildDefaults: pipelines.CodeBuildOptions = {
      buildEnvironment: { buildImage: BUILD_IMAGE, computeType: codebuild.ComputeType.SMALL, privileged: false },
      logging: { cloudWatch: { logGroup: this.logGroup } },
      vpc: props.vpc,
      subnetSelection: props.vpc ? props.subnetSelection ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } : undefined,
      timeout: Duration.minutes(60),
    };
    const productionIndex = this.productionIndex();

    const replication = new ReplicationBuckets(this);
    this.pipelines = [];
    this.stages = [];
    this.environments.forEach((environment, i) => {
      const { pipeline, stage } = environmentDelivery(this, environment, selfMutation && i === productionIndex, {
        source: props.source,
        stageFactory: props.stageFactory,
        installCommands,
        testCommands,
        synthCommands,
        compliancePacks,
        cdkOutputDirectory,
        codeBuildDefaults,
        artifactBucket: this.artifactBucket,
        replicationBuckets: replication,
        approvalTopic: this.approvalTopic,
        notificationTopic: this.notificationTopic,
        image,
        repository: this.repository,
      });
      this.pipelines.push(pipeline);
      this.stages.push(stage);
    });

    this.replicationBuckets = Object.fromEntries(replication.all.map((r) => [r.stack.region, r.bucket]));
    this.acknowledgeFindings(props.source, replication);
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
  private acknowledgeFindings(source: DeliverySource, replication: ReplicationBuckets): void {
    const stack = Stack.of(this);
    acknowledgePipelineResources(this, {
      artifactBucketArn: nagResourceText(this, this.artifactBucket.bucketArn),
      sourceBucketArn: source.bucketArn ? nagResourceText(this, source.bucketArn) : undefined,
      replicationBucketArns: replication.all.map((r) => nagResourceText(this, r.bucket.bucketArn)),
      replicationKeyAliases: replication.all.map((r) => ({ region: r.stack.region, account: r.stack.account, aliasName: r.aliasName })),
    });
    for (const project of this.node.findAll().filter((c): c is codebuild.CfnProject => c instanceof codebuild.CfnProject)) {
      if (Stage.of(project) === Stage.of(this) && stack.resolve(project.environment)?.privilegedMode === true && project.node.path.includes('/ImageBuild/')) {
        Compliance.acknowledge(project, 'codebuild_project_environment_privileged_check',
          'The image build runs the Docker daemon, which needs privileged mode; the project only builds the repository\'s Dockerfile and pushes to the one ECR repository its role allows. Every other project of the pipeline runs unprivileged.');
      }
    }
  }

  /** PROD, or the last environment when there is no PROD. */
  private productionIndex(): number {
    const i = this.environments.findIndex((e) => e.name === PRODUCTION);
    return i >= 0 ? i : this.environments.length - 1;
  }
}
