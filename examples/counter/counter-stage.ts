import { Stack, Stage, StageProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CounterApiStack } from './counter-api-stack';
import { CounterSiteStack } from './counter-site-stack';
import { ServiceMonitoring } from '../../src/monitoring';
import { DeliveryEnvironment, IDeliveryStageFactory } from '../../src/pipeline';

export interface CounterStageProps extends StageProps {
  /**
   * The counter's start and reset value.
   *
   * @default 1000
   */
  readonly startValue?: number;
  /**
   * Shown under the card, e.g. `UAT`.
   *
   * @default - nothing shown
   */
  readonly environmentName?: string;
}

/** One deployment of the camera counter: the API stack and the site stack that serves it. */
export class CounterStage extends Stage {
  public readonly api: CounterApiStack;
  public readonly site: CounterSiteStack;
  /** Alarms, the alarm topic and the dashboard of the stage's constructs. */
  public readonly monitoring: ServiceMonitoring;

  constructor(scope: Construct, id: string, props: CounterStageProps = {}) {
    super(scope, id, props);
    this.api = new CounterApiStack(this, 'CounterApi', {
      startValue: props.startValue,
      description: 'Camera counter: API and table',
    });
    this.site = new CounterSiteStack(this, 'CounterSite', {
      api: this.api.api.api,
      startValue: props.startValue,
      environmentName: props.environmentName,
      description: 'Camera counter: web card on CloudFront',
    });
    const monitoring = new Stack(this, 'CounterMonitoring', { description: 'Camera counter: alarms, alarm topic and dashboard' });
    this.monitoring = new ServiceMonitoring(monitoring, 'Monitoring', { scope: this });
  }
}

/**
 * The pipeline's stage factory: one `CounterStage` per delivery environment, deployed to that
 * environment's account and region, with its `startValue` (`CounterStageFactory.START_VALUE`
 * in the environment's config; 1000 without it) and its name shown under the card.
 */
export class CounterStageFactory implements IDeliveryStageFactory {
  /** The key of an environment's start value in its `config`. */
  public static readonly START_VALUE = 'startValue';

  public createStage(scope: Construct, id: string, environment: DeliveryEnvironment): CounterStage {
    const configured = environment.config[CounterStageFactory.START_VALUE] !== undefined;
    return new CounterStage(scope, id, {
      env: environment.env,
      startValue: configured ? environment.numberValue(CounterStageFactory.START_VALUE) : undefined,
      environmentName: environment.name,
    });
  }
}
