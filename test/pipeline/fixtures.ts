import { App, Stack, Stage, StageProps } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { DeliveryConfigValue, DeliveryEnvironment, DeliveryPipeline, DeliveryPipelineProps, DeliverySource, IDeliveryStageFactory } from '../../src/pipeline';

export const PIPELINE_ACCOUNT = '111111111111';
export const REGION = 'eu-west-1';
export const CONNECTION_ARN = `arn:aws:codeconnections:${REGION}:${PIPELINE_ACCOUNT}:connection/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d`;

/** A small application stage: parameters holding a configuration value and the image tag it was given. */
export class ShopStage extends Stage {
  public readonly shop: Stack;
  constructor(scope: Construct, id: string, props: StageProps & { readonly initialCount: number; readonly imageTag: string }) {
    super(scope, id, props);
    this.shop = new Stack(this, 'Shop');
    new ssm.StringParameter(this.shop, 'InitialCount', { stringValue: String(props.initialCount) });
    new ssm.StringParameter(this.shop, 'ImageTag', { stringValue: props.imageTag });
  }
}

/** Records every environment it is called with. */
export class ShopStageFactory implements IDeliveryStageFactory {
  public readonly calls: DeliveryEnvironment[] = [];
  public createStage(scope: Construct, id: string, environment: DeliveryEnvironment): Stage {
    this.calls.push(environment);
    return new ShopStage(scope, id, {
      env: environment.env,
      initialCount: environment.numberValue('initialCount'),
      imageTag: environment.imageTag,
    });
  }
}

export function pipelineStack(app = new App(), id = 'Delivery'): Stack {
  return new Stack(app, id, { env: { account: PIPELINE_ACCOUNT, region: REGION } });
}

/** Three environments in three accounts, one region. */
export function threeEnvironmentProps(overrides: Partial<DeliveryPipelineProps> = {}): DeliveryPipelineProps {
  return {
    source: DeliverySource.connection({ connectionArn: CONNECTION_ARN, repository: 'shop/camera-counter' }),
    environments: [
      { name: 'DEV', account: '222222222222', config: { initialCount: DeliveryConfigValue.fromNumber(10) } },
      { name: 'UAT', account: '333333333333', config: { initialCount: DeliveryConfigValue.fromNumber(100) } },
      { name: 'PROD', account: '444444444444', config: { initialCount: DeliveryConfigValue.fromNumber(1000) } },
    ],
    stageFactory: new ShopStageFactory(),
    ...overrides,
  };
}

export function threeEnvironmentPipeline(
  overrides: Partial<DeliveryPipelineProps> = {},
  app = new App(),
): { stack: Stack; delivery: DeliveryPipeline } {
  const stack = pipelineStack(app);
  const delivery = new DeliveryPipeline(stack, 'Pipeline', threeEnvironmentProps(overrides));
  return { stack, delivery };
}
