import { CfnOutput, Stack, Stage } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { TopicApprovalStep } from './approval-step';
import { COMPLIANCE_GATE_VARIABLE } from './compliance-gate';
import { ResolvedImageBuild } from './environment-defaults';
import { checkStage } from './pipeline-validation';
import { ReplicationBuckets } from './replication-buckets';
import { DeliveryEnvironment, IDeliveryStageFactory } from '../delivery-environment';
import { DeliverySource } from '../delivery-source';

/** Docker tag of the commit being built: CodeBuild's resolved source version, made tag-safe. */
const IMAGE_TAG_EXPORT = `export ${DeliveryEnvironment.IMAGE_TAG_VARIABLE}=$(printf %s "$CODEBUILD_RESOLVED_SOURCE_VERSION" | tr -c 'A-Za-z0-9_.-' '-' | cut -c1-128)`;

/** Set by the image build when the commit's image is not in the repository yet. */
const IMAGE_MISSING = 'RAMPART_IMAGE_MISSING';

/** What every environment's pipeline shares. */
export interface EnvironmentBuildSettings {
  readonly source: DeliverySource;
  readonly stageFactory: IDeliveryStageFactory;
  readonly installCommands: string[];
  readonly testCommands: string[];
  readonly synthCommands: string[];
  readonly compliancePacks: string[];
  readonly cdkOutputDirectory: string;
  readonly codeBuildDefaults: pipelines.CodeBuildOptions;
  readonly artifactBucket: s3.IBucket;
  /** The artifact buckets of other regions, made when a stage first deploys there. */
  readonly replicationBuckets: ReplicationBuckets;
  readonly approvalTopic: sns.ITopic;
  readonly notificationTopic: sns.ITopic;
  readonly image?: ResolvedImageBuild;
  readonly repository?: ecr.Repository;
}

/** One environment's delivery: its pipeline and the stage it deploys. */
export interface EnvironmentDelivery {
  readonly pipeline: pipelines.CodePipeline;
  readonly stage: Stage;
}

/**
 * The pipeline of one environment: source of its branch, synth behind the compliance gate, the
 * image build when there is one, the manual approval (or the waiver as an output), then the stage.
 */
export function environmentDelivery(
  scope: Construct, environment: DeliveryEnvironment, selfMutation: boolean, s: EnvironmentBuildSettings,
): EnvironmentDelivery {
  const source = s.source.forBranch(environment.branch);
  const synth = new pipelines.ShellStep('Synth', {
    input: source,
    installCommands: s.installCommands,
    commands: [...(s.image ? [IMAGE_TAG_EXPORT] : []), ...s.testCommands, ...s.synthCommands],
    env: { [COMPLIANCE_GATE_VARIABLE]: s.compliancePacks.join(',') },
    primaryOutputDirectory: s.cdkOutputDirectory,
  });
  // The stage first: the regions of its stacks decide the pipeline's artifact stores.
  const stage = s.stageFactory.createStage(scope, environment.name, environment);
  checkStage(scope, stage, environment);

  // A stack in another region (a recovery stack) needs an artifact store there: our own compliant
  // buckets, never the support stack CodePipeline would make.
  const crossRegionReplicationBuckets = s.replicationBuckets.forStage(stage, s.artifactBucket);
  const codePipeline = new codepipeline.Pipeline(scope, `${environment.name}Pipeline`, {
    pipelineType: codepipeline.PipelineType.V2,
    artifactBucket: crossRegionReplicationBuckets ? undefined : s.artifactBucket,
    crossRegionReplicationBuckets,
    restartExecutionOnUpdate: true,
  });
  const pipeline = new pipelines.CodePipeline(scope, `${environment.name}Delivery`, {
    codePipeline,
    synth,
    selfMutation,
    codeBuildDefaults: s.codeBuildDefaults,
    dockerEnabledForSynth: false,
    dockerEnabledForSelfMutation: false,
    publishAssetsInParallel: false,
    useChangeSets: true,
  });

  const pre: pipelines.Step[] = [];
  let imageStep: pipelines.Step | undefined;
  if (s.image && s.repository) {
    imageStep = imageBuildStep(scope, source, s.image, s.repository);
    pre.push(imageStep);
  }
  if (environment.requiresApproval) {
    const approval = new TopicApprovalStep(`Approve${environment.name}`, {
      topic: s.approvalTopic,
      comment: `Deploy ${environment.branch} to ${environment.name} (${environment.account}/${environment.region})?`,
    });
    if (imageStep) approval.addStepDependency(imageStep);
    pre.push(approval);
  } else if (environment.approvalWaiverReason) {
    new CfnOutput(scope, `${environment.name}ApprovalWaiver`, {
      description: `${environment.name} deploys without manual approval`,
      value: environment.approvalWaiverReason,
    });
  }
  pipeline.addWave(environment.name, { pre }).addStage(stage);
  pipeline.buildPipeline();

  codePipeline.notifyOn('Failures', s.notificationTopic, {
    events: [codepipeline.PipelineNotificationEvents.PIPELINE_EXECUTION_FAILED],
  });
  return { pipeline, stage };
}

/** Builds the repository's Dockerfile and pushes it to the repository, once per commit (tags are immutable). */
function imageBuildStep(
  scope: Construct, input: pipelines.IFileSetProducer, image: ResolvedImageBuild, repository: ecr.Repository,
): pipelines.CodeBuildStep {
  const stack = Stack.of(scope);
  const registry = `${stack.account}.dkr.ecr.${stack.region}.${stack.urlSuffix}`;
  const uri = `${registry}/${image.repositoryName}`;
  const variable = `$${DeliveryEnvironment.IMAGE_TAG_VARIABLE}`;
  // Tags are immutable: a commit delivered to an earlier environment already has its image.
  const exists = `aws ecr describe-images --repository-name ${image.repositoryName} --image-ids imageTag=${variable} > /dev/null 2>&1`;
  const build = `docker build -f ${image.directory}/${image.dockerfile} -t ${uri}:${variable} ${image.directory} && docker push ${uri}:${variable}`;
  // CodeBuild runs a phase's commands in one shell: the flag and the preparation's files carry over.
  const buildCommands = image.buildCommands.length === 0
    ? [`if ${exists}; then echo "Image ${variable} exists"; else ${build}; fi`]
    : [
      `if ${exists}; then echo "Image ${variable} exists"; export ${IMAGE_MISSING}=false; else export ${IMAGE_MISSING}=true; fi`,
      ...image.buildCommands.map((command) => `if [ "$${IMAGE_MISSING}" = true ]; then ${command}; fi`),
      `if [ "$${IMAGE_MISSING}" = true ]; then cd "$CODEBUILD_SRC_DIR" && ${build}; fi`,
    ];
  return new pipelines.CodeBuildStep('ImageBuild', {
    input,
    buildEnvironment: { privileged: true },
    commands: [
      IMAGE_TAG_EXPORT,
      `aws ecr get-login-password --region ${stack.region} | docker login --username AWS --password-stdin ${registry}`,
      ...buildCommands,
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
