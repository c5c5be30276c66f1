import { Stack, Stage, StageProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CounterApiStack } from './counter-api-stack';
import { CounterSiteStack } from './counter-site-stack';
import { ServiceMonitoring } from '../../src/monitoring';
import { DeliveryEnvironment, IDeliveryStageFactory } from '../../src/pipeline';
import { SiteDomain, splitDomainNames } from '../shared/stack';

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
  /**
   * The card's custom domain: its names and their us-east-1 certificate.
   *
   * @default - the site's `*.cloudfront.net` name with CloudFront's default certificate
   */
  readonly siteDomain?: SiteDomain;
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
      domain: props.siteDomain,
      description: 'Camera counter: web card on CloudFront',
    });
    const monitoring = new Stack(this, 'CounterMonitoring', { description: 'Camera counter: alarms, alarm topic and dashboard' });
    this.monitoring = new ServiceMonitoring(monitoring, 'Monitoring', { scope: this });
  }
}

/**
 * The pipeline's stage factory: one `CounterStage` per delivery environment, deployed to that
 * environment's account and region, with its `startValue` (`CounterStageFactory.START_VALUE`
 * in the environment's config; 1000 without it), its name shown under the card and, when its
 * config has them, the card's custom domain names and certificate.
 */
export class CounterStageFactory implements IDeliveryStageFactory {
  /** The key of an environment's start value in its `config`. */
  public static readonly START_VALUE = 'startValue';
  /** The key of the card's custom domain names (comma-separated, `joinDomainNames`) in an environment's config. */
  public static readonly SITE_DOMAIN_NAMES = 'siteDomainNames';
  /** The key of the ACM certificate ARN (us-east-1) covering those names in an environment's config. */
  public static readonly SITE_CERTIFICATE_ARN = 'siteCertificateArn';

  public createStage(scope: Construct, id: string, environment: DeliveryEnvironment): CounterStage {
    const text = (key: string) => (environment.config[key] === undefined ? undefined : environment.stringValue(key));
    const names = text(CounterStageFactory.SITE_DOMAIN_NAMES);
    return new CounterStage(scope, id, {
      env: environment.env,
      startValue: environment.config[CounterStageFactory.START_VALUE] === undefined
        ? undefined : environment.numberValue(CounterStageFactory.START_VALUE),
      environmentName: environment.name,
      siteDomain: {
        domainNames: names === undefined ? undefined : splitDomainNames(names),
        certificateArn: text(CounterStageFactory.SITE_CERTIFICATE_ARN),
      },
    });
  }
}
