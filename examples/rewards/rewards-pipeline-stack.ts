import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { RewardsStageFactory } from './rewards-stage';
import { ServiceMonitoring } from '../../src/monitoring';
import { DeliveryEnvironmentProps, DeliveryPipeline, DeliverySource } from '../../src/pipeline';

export interface RewardsPipelineStackProps extends StackProps {
  /** The CodeConnections connection to the repository host. */
  readonly connectionArn: string;
  /** `owner/name` of the repository holding this project. */
  readonly repository: string;
  /** DEV, UAT and PROD: accounts, regions and each one's settings (the keys of `RewardsStageFactory`). */
  readonly environments: DeliveryEnvironmentProps[];
  /**
   * Emails asked to approve PROD deployments.
   *
   * @default - none: subscribe to the approval topic yourself
   */
  readonly approverEmails?: string[];
}

/**
 * The rewards platform's delivery: DEV, UAT and PROD, each from its branch, with an approval before
 * PROD. Each commit's users-service image is built once (users-domain/Dockerfile) and deployed by tag.
 */
export class RewardsPipelineStack extends Stack {
  public readonly delivery: DeliveryPipeline;

  constructor(scope: Construct, id: string, props: RewardsPipelineStackProps) {
    super(scope, id, props);
    this.delivery = new DeliveryPipeline(this, 'Delivery', {
      source: DeliverySource.connection({ connectionArn: props.connectionArn, repository: props.repository }),
      environments: props.environments,
      stageFactory: new RewardsStageFactory(),
      // The rewards platform lives in this repository's examples/: build its handlers and pages,
      // test it (its policies without engines; its handlers, streams and users domain against
      // DynamoDB Local, kinesalite and PostgreSQL; its pages in headless Chromium; its stacks against
      // every compliance pack), then synthesize its app. tools/setup.sh installs the engines, the
      // browser and the npm dependencies (the build image runs as root).
      installCommands: ['bash tools/setup.sh'],
      testCommands: [
        'npx projen examples:build',
        "RAMPART_ENGINES=dynamodb-local,kinesalite,postgres npx jest 'test/examples/rewards'",
      ],
      synthCommands: ['cd examples/rewards && npx cdk synth'],
      cdkOutputDirectory: 'examples/rewards/cdk.out',
      imageBuild: { directory: 'examples/rewards/users-domain' },
      approverEmails: props.approverEmails,
    });
    // A failed execution alarms here; each environment's stage has its own monitoring.
    new ServiceMonitoring(this, 'Monitoring');
  }
}
