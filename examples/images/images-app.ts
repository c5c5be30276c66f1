import { App } from 'aws-cdk-lib';
import { ImagesPipelineStack, ImagesStageFactory } from './images-pipeline-stack';
import { IMAGES_SIZING, ImagesStage, imagesSizingFor } from './images-stage';
import { DeliveryConfigValue } from '../../src/pipeline';

interface PipelineSettings {
  readonly account: string;
  readonly region: string;
  readonly connectionArn: string;
  readonly repository: string;
  readonly approverEmails?: string[];
}

interface EnvironmentSettings {
  readonly account: string;
  readonly region: string;
  readonly frontendCertificateArn?: string;
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
  const pipelineSettings = context<PipelineSettings>('images:pipeline');
  let pipeline: ImagesPipelineStack | undefined;
  if (pipelineSettings !== undefined) {
    const environments = context<Record<string, EnvironmentSettings>>('images:environments');
    if (environments === undefined) throw new Error("cdk.json: context 'images:environments' is missing next to 'images:pipeline' (see examples/images/README.md)");
    pipeline = new ImagesPipelineStack(app, 'ImagesPipeline', {
      env: { account: pipelineSettings.account, region: pipelineSettings.region },
      connectionArn: pipelineSettings.connectionArn,
      repository: pipelineSettings.repository,
      approverEmails: pipelineSettings.approverEmails,
      environments: Object.entries(environments).map(([name, e]) => ({ name, account: e.account, region: e.region, config: configOf(e) })),
      description: 'Images: delivery pipelines of DEV, UAT and PROD',
    });
  }

  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const sizing = context<string>('images:sizing');
  const stage = new ImagesStage(app, 'Images', {
    env: account ? { account, region: process.env.CDK_DEFAULT_REGION } : undefined,
    sizing: sizing === undefined ? IMAGES_SIZING.DEV : imagesSizingFor(sizing),
    recoveryRegion: context('images:recoveryRegion'),
    frontendCertificateArn: context('images:frontendCertificateArn'),
    alarmEmails: context('images:alarmEmails'),
  });
  return { pipeline, stage };
}

function configOf(e: EnvironmentSettings): Record<string, DeliveryConfigValue> {
  const config: Record<string, DeliveryConfigValue> = {};
  if (e.frontendCertificateArn !== undefined) {
    config[ImagesStageFactory.FRONTEND_CERTIFICATE_ARN] = DeliveryConfigValue.fromString(e.frontendCertificateArn);
  }
  if (e.recoveryRegion !== undefined) config[ImagesStageFactory.RECOVERY_REGION] = DeliveryConfigValue.fromString(e.recoveryRegion);
  return config;
}
