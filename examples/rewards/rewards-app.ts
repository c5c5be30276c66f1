import { App } from 'aws-cdk-lib';
import { RewardsPipelineStack } from './rewards-pipeline-stack';
import { RewardsStage, RewardsStageFactory } from './rewards-stage';
import { DeliveryConfigValue } from '../../src/pipeline';
import { callerEnvironment, deliveryContext, deliveryEnvironments, EnvironmentContext, joinDomainNames } from '../shared/stack';

interface EnvironmentSettings extends EnvironmentContext {
  readonly usersCertificateArn?: string;
  readonly idVerifierUrl?: string;
  readonly catalogUrl?: string;
  readonly accountConcurrency?: number;
  /** The web apps' custom domain names, served with `webCertificateArn`. */
  readonly webDomainNames?: string[];
  /** The ACM certificate in us-east-1 covering `webDomainNames`. */
  readonly webCertificateArn?: string;
  /** The merchants' catalogs' custom domain names, served with `catalogCertificateArn`. */
  readonly catalogDomainNames?: string[];
  /** The ACM certificate in us-east-1 covering `catalogDomainNames`. */
  readonly catalogCertificateArn?: string;
}

/** The stacks of the rewards app. */
export interface RewardsApp {
  /** The delivery pipelines (DEV, UAT, PROD), when cdk.json has `rewards:pipeline`. */
  readonly pipeline?: RewardsPipelineStack;
  readonly stage: RewardsStage;
}

/**
 * The rewards app from cdk.json's context: the delivery pipeline (`RewardsPipeline`, from
 * `rewards:pipeline` and `rewards:environments`) and a stage to deploy straight to one account
 * without it (`Rewards`, in the account and region of the caller's credentials,
 * environment-agnostic without them). An environment with `webDomainNames` and `webCertificateArn`
 * (PROD in cdk.json) serves the web apps on that domain with TLSv1.2_2021, and one with
 * `catalogDomainNames` and `catalogCertificateArn` (PROD too) the merchants' catalogs.
 */
export function buildRewardsApp(app: App): RewardsApp {
  const context = <T>(key: string): T | undefined => app.node.tryGetContext(key) as T | undefined;
  const delivery = deliveryContext<EnvironmentSettings>(app, 'rewards');
  let pipeline: RewardsPipelineStack | undefined;
  if (delivery !== undefined) {
    pipeline = new RewardsPipelineStack(app, 'RewardsPipeline', {
      env: { account: delivery.pipeline.account, region: delivery.pipeline.region },
      connectionArn: delivery.pipeline.connectionArn,
      repository: delivery.pipeline.repository,
      approverEmails: delivery.pipeline.approverEmails,
      environments: deliveryEnvironments(delivery.environments, configOf),
      description: 'Rewards: delivery pipelines of DEV, UAT and PROD',
    });
  }

  const stage = new RewardsStage(app, 'Rewards', {
    env: callerEnvironment(),
    accountConcurrency: context('rewards:accountConcurrency'),
    idVerifierUrl: context('rewards:idVerifierUrl'),
    catalogUrl: context('rewards:catalogUrl'),
    alarmEmails: context('rewards:alarmEmails'),
    usersCertificateArn: context('rewards:usersCertificateArn'),
    webDomain: { domainNames: context('rewards:webDomainNames'), certificateArn: context('rewards:webCertificateArn') },
    catalogDomain: { domainNames: context('rewards:catalogDomainNames'), certificateArn: context('rewards:catalogCertificateArn') },
  });
  return { pipeline, stage };
}

function configOf(e: EnvironmentSettings): Record<string, DeliveryConfigValue> {
  const config: Record<string, DeliveryConfigValue> = {};
  if (e.usersCertificateArn !== undefined) config[RewardsStageFactory.USERS_CERTIFICATE_ARN] = DeliveryConfigValue.fromString(e.usersCertificateArn);
  if (e.idVerifierUrl !== undefined) config[RewardsStageFactory.ID_VERIFIER_URL] = DeliveryConfigValue.fromString(e.idVerifierUrl);
  if (e.catalogUrl !== undefined) config[RewardsStageFactory.CATALOG_URL] = DeliveryConfigValue.fromString(e.catalogUrl);
  if (e.accountConcurrency !== undefined) config[RewardsStageFactory.ACCOUNT_CONCURRENCY] = DeliveryConfigValue.fromNumber(e.accountConcurrency);
  if (e.webDomainNames !== undefined) {
    config[RewardsStageFactory.WEB_DOMAIN_NAMES] = DeliveryConfigValue.fromString(joinDomainNames(e.webDomainNames));
  }
  if (e.webCertificateArn !== undefined) config[RewardsStageFactory.WEB_CERTIFICATE_ARN] = DeliveryConfigValue.fromString(e.webCertificateArn);
  if (e.catalogDomainNames !== undefined) {
    config[RewardsStageFactory.CATALOG_DOMAIN_NAMES] = DeliveryConfigValue.fromString(joinDomainNames(e.catalogDomainNames));
  }
  if (e.catalogCertificateArn !== undefined) {
    config[RewardsStageFactory.CATALOG_CERTIFICATE_ARN] = DeliveryConfigValue.fromString(e.catalogCertificateArn);
  }
  return config;
}
