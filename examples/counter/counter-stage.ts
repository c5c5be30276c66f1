import { Stage, StageProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CounterApiStack } from './counter-api-stack';
import { CounterSiteStack } from './counter-site-stack';

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
  }
}
