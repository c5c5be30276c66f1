import { App } from 'aws-cdk-lib';
import { ImagesPipelineStack, ImagesStageFactory } from './images-pipeline-stack';
import { IMAGES_SIZING, ImagesStage, imagesSizingFor } from './images-stage';
import { DeliveryConfigValue } from '../../src/pipeline';
import { callerEnvironment, deliveryContext, deliveryEnvironments, EnvironmentContext } from '../shared/stack';

interface EnvironmentSettings extends EnvironmentContext {
  readonly frontendCertificateArn?: string;
  readonly frontendDomainName?: string;
  readonly recoveryRegion?: string;
}

/** The stacks of the images app. */
export interface ImagesApp {
  /** The delivery pipelines (DEV, UAT, PROD), when cdk.json has `images:pipeline`. */
  readonly pipeline?: ImagesPipelineStack;
  readonly stage: ImagesStage;
}

/**
 * The images app from cdk.json's context: the delivery pipeline (`ImagesPipeline`, from
 * `images:pipeline` and `images:environments`) and a stage (`Images`) to deploy straight to one
 * account without it, in the account and region of the caller's credentials
 * (environment-agnostic without them), sized by `images:sizing` (DEV, UAT or PROD).
 */
export function buildImagesApp(app: App): ImagesApp {
  const context = <T>(key: string): T | undefined => app.node.tryGetContext(key) as T | undefined;
  const delivery = deliveryContext<EnvironmentSettings>(app, 'images');
  let pipeline: ImagesPipelineStack | undefined;
  if (delivery !== undefined) {
    pipeline = new ImagesPipelineStack(app, 'ImagesPipeline', {
      env: { account: delivery.pipeline.account, region: delivery.pipeline.region },
      connectionArn: delivery.pipeline.connectionArn,
      repository: delivery.pipeline.repository,
      approverEmails: delivery.pipeline.approverEmails,
      environments: deliveryEnvironments(delivery.environments, configOf),
      description: 'Images: delivery pipelines of DEV, UAT and PROD',
    });
  }

  const sizing = context<string>('images:sizing');
  const stage = new ImagesStage(app, 'Images', {
    env: callerEnvironment(),
    sizing: sizing === undefined ? IMAGES_SIZING.DEV : imagesSizingFor(sizing),
    recoveryRegion: context('images:recoveryRegion'),
    frontendCertificateArn: context('images:frontendCertificateArn'),
    frontendDomainName: context('images:frontendDomainName'),
    alarmEmails: context('images:alarmEmails'),
  });
  return { pipeline, stage };
}

function configOf(e: EnvironmentSettings): Record<string, DeliveryConfigValue> {
  const config: Record<string, DeliveryConfigValue> = {};
  if (e.frontendCertificateArn !== undefined) {
    config[ImagesStageFactory.FRONTEND_CERTIFICATE_ARN] = DeliveryConfigValue.fromString(e.frontendCertificateArn);
  }
  if (e.frontendDomainName !== undefined) config[ImagesStageFactory.FRONTEND_DOMAIN_NAME] = DeliveryConfigValue.fromString(e.frontendDomainName);
  if (e.recoveryRegion !== undefined) config[ImagesStageFactory.RECOVERY_REGION] = DeliveryConfigValue.fromString(e.recoveryRegion);
  return config;
}
