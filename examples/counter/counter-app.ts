import { App } from 'aws-cdk-lib';
import { CounterPipelineStack } from './counter-pipeline-stack';
import { CounterStage, CounterStageFactory } from './counter-stage';
import { DeliveryConfigValue } from '../../src/pipeline';
import { callerEnvironment, deliveryEnvironments, requireDeliveryContext, EnvironmentContext, joinDomainNames } from '../shared/stack';

interface EnvironmentSettings extends EnvironmentContext {
  readonly startValue?: number;
  /** The card's custom domain names, served with `siteCertificateArn`. */
  readonly siteDomainNames?: string[];
  /** The ACM certificate in us-east-1 covering `siteDomainNames`. */
  readonly siteCertificateArn?: string;
}

/** The stacks of the counter app. */
export interface CounterApp {
  readonly pipeline: CounterPipelineStack;
  readonly stage: CounterStage;
}

/**
 * The counter app from cdk.json's context: the delivery pipeline (`CounterPipeline`) and a stage to
 * deploy straight to one account without it (`Counter`, in the account and region of the caller's
 * credentials, environment-agnostic without them). An environment with `siteDomainNames` and
 * `siteCertificateArn` (PROD in cdk.json) serves its card on that domain with TLSv1.2_2021.
 */
export function buildCounterApp(app: App): CounterApp {
  const delivery = requireDeliveryContext<EnvironmentSettings>(app, 'counter');

  const pipeline = new CounterPipelineStack(app, 'CounterPipeline', {
    env: { account: delivery.pipeline.account, region: delivery.pipeline.region },
    connectionArn: delivery.pipeline.connectionArn,
    repository: delivery.pipeline.repository,
    approverEmails: delivery.pipeline.approverEmails,
    environments: deliveryEnvironments(delivery.environments, configOf),
    description: 'Camera counter: delivery pipelines of DEV, UAT and PROD',
  });

  const stage = new CounterStage(app, 'Counter', {
    env: callerEnvironment(),
    startValue: app.node.tryGetContext('counter:startValue'),
    siteDomain: { domainNames: app.node.tryGetContext('counter:siteDomainNames'), certificateArn: app.node.tryGetContext('counter:siteCertificateArn') },
  });
  return { pipeline, stage };
}

function configOf(e: EnvironmentSettings): Record<string, DeliveryConfigValue> {
  const config: Record<string, DeliveryConfigValue> = {};
  if (e.startValue !== undefined) config[CounterStageFactory.START_VALUE] = DeliveryConfigValue.fromNumber(e.startValue);
  if (e.siteDomainNames !== undefined) {
    config[CounterStageFactory.SITE_DOMAIN_NAMES] = DeliveryConfigValue.fromString(joinDomainNames(e.siteDomainNames));
  }
  if (e.siteCertificateArn !== undefined) config[CounterStageFactory.SITE_CERTIFICATE_ARN] = DeliveryConfigValue.fromString(e.siteCertificateArn);
  return config;
}
