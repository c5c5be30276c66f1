import { App } from 'aws-cdk-lib';
import { IMAGES_SIZING, ImagesStage, imagesSizingFor } from './images-stage';

/** The stacks of the images app. */
export interface ImagesApp {
  readonly stage: ImagesStage;
}

/**
 * The images app from cdk.json's context: a stage (`Images`) to deploy straight to one account,
 * in the account and region of the caller's credentials (environment-agnostic without them),
 * sized by `images:sizing` (DEV, UAT or PROD).
 */
export function buildImagesApp(app: App): ImagesApp {
  const context = <T>(key: string): T | undefined => app.node.tryGetContext(key) as T | undefined;
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const sizing = context<string>('images:sizing');
  const stage = new ImagesStage(app, 'Images', {
    env: account ? { account, region: process.env.CDK_DEFAULT_REGION } : undefined,
    sizing: sizing === undefined ? IMAGES_SIZING.DEV : imagesSizingFor(sizing),
    recoveryRegion: context('images:recoveryRegion'),
    frontendCertificateArn: context('images:frontendCertificateArn'),
    alarmEmails: context('images:alarmEmails'),
  });
  return { stage };
}
