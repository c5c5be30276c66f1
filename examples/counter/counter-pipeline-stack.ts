import { Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { CounterStage } from './counter-stage';
import { Compliance } from '../../src/compliance';
import { DeliveryEnvironment, DeliveryEnvironmentProps, DeliveryPipeline, DeliverySource } from '../../src/pipeline';

export interface CounterPipelineStackProps extends StackProps {
  /** The CodeConnections connection to the repository host. */
  readonly connectionArn: string;
  /** `owner/name` of the repository holding this project. */
  readonly repository: string;
  /** DEV, UAT and PROD: accounts, regions and each one's `startValue`. */
  readonly environments: DeliveryEnvironmentProps[];
  /**
   * Emails asked to approve PROD deployments.
   *
   * @default - none: subscribe to the approval topic yourself
   */
  readonly approverEmails?: string[];
}

/** The counter's delivery: DEV, UAT and PROD, each from its branch, with an approval before PROD. */
export class CounterPipelineStack extends Stack {
  public readonly delivery: DeliveryPipeline;

  constructor(scope: Construct, id: string, props: CounterPipelineStackProps) {
    super(scope, id, props);
    this.delivery = new DeliveryPipeline(this, 'Delivery', {
      source: DeliverySource.connection({ connectionArn: props.connectionArn, repository: props.repository }),
      environments: props.environments,
      stageFactory: {
        createStage: (stageScope: Construct, stageId: string, environment: DeliveryEnvironment) => new CounterStage(stageScope, stageId, {
          env: environment.env,
          startValue: environment.config.startValue === undefined ? undefined : environment.numberValue('startValue'),
          environmentName: environment.name,
        }),
      },
      // The counter lives in this repository's examples/: build its handlers and pages, test it
      // (handlers against DynamoDB Local, stacks), then synthesize its app.
      installCommands: ['npm ci'],
      testCommands: [
        'npx projen examples:build',
        'RAMPART_ENGINES=dynamodb-local npx jest test/examples/counter.test.ts test/examples/counter-handlers.test.ts',
      ],
      synthCommands: ['cd examples/counter && npx cdk synth'],
      cdkOutputDirectory: 'examples/counter/cdk.out',
      approverEmails: props.approverEmails,
    });
    this.acknowledgeAssetPublishing();
  }

  /**
   * The counter has file assets (its functions' code, its pages), so CDK Pipelines adds an asset
   * publishing step whose shared role carries CodeBuild's standard wildcards.
   */
  private acknowledgeAssetPublishing(): void {
    const where = `${this.region}:${this.account}`;
    for (const pipeline of this.delivery.pipelines) {
      const policy = pipeline.node.tryFindChild('Assets')?.node.tryFindChild('FileRole')?.node.tryFindChild('DefaultPolicy') as iam.Policy | undefined;
      if (!policy) continue;
      const resource = policy.node.defaultChild!;
      Compliance.acknowledge(resource, `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:${where}:log-group:/aws/codebuild/*]`,
        'CDK Pipelines\' asset publishing role: CodeBuild writes each publishing project\'s default log group (/aws/codebuild/<project>), whose projects CDK Pipelines creates per asset batch; limited to CodeBuild log groups of this account and region.');
      Compliance.acknowledge(resource, `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:codebuild:${where}:report-group/*]`,
        'CDK Pipelines\' asset publishing role: CodeBuild\'s standard report-group grant for its publishing projects (reports named at run time); limited to this account and region, and the publishing builds write no reports.');
      Compliance.acknowledge(resource, 'AwsSolutions-IAM5[Resource::*]',
        'CDK Pipelines\' asset publishing role: CodeBuild\'s standard build-control statement (StartBuild/StopBuild/BatchGetBuilds), which CDK Pipelines adds with resource *; the role can run builds but reaches no data, and the upload itself goes through the target account\'s cdk file-publishing role, named exactly in the same policy.');
    }
  }
}
