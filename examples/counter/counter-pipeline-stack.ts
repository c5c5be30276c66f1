import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CounterStageFactory } from './counter-stage';
import { ServiceMonitoring } from '../../src/monitoring';
import { DeliveryEnvironmentProps, DeliveryPipeline, DeliverySource } from '../../src/pipeline';

export interface CounterPipelineStackProps extends StackProps {
  /** The CodeConnections connection to the repository host. */
  readonly connectionArn: string;
  /** `owner/name` of the repository holding this project. */
  readonly repository: string;
  /** DEV, UAT and PROD: accounts, regions and each one's start value (`CounterStageFactory.START_VALUE`). */
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
      stageFactory: new CounterStageFactory(),
      // The counter lives in this repository's examples/: build its handlers and pages, test it
      // (its rules, its repository and handlers against DynamoDB Local, its stacks), then synthesize its app.
      installCommands: ['npm ci'],
      testCommands: [
        'npx projen examples:build',
        'RAMPART_ENGINES=dynamodb-local npx jest test/examples/counter.test.ts test/examples/counter-policies.test.ts test/examples/counter-storage.test.ts test/examples/counter-handlers.test.ts',
      ],
      synthCommands: ['cd examples/counter && npx cdk synth'],
      cdkOutputDirectory: 'examples/counter/cdk.out',
      approverEmails: props.approverEmails,
    });
    // A failed execution alarms here; each environment's stage has its own monitoring.
    new ServiceMonitoring(this, 'Monitoring');
  }
}
