/**
 * The rewards platform app: one stage (transactions stream and archive, API, monitoring) in the
 * account and region of your credentials (environment-agnostic without them). Settings come from
 * cdk.json's context.
 *
 *   cd examples/rewards
 *   npx cdk deploy 'Rewards/*'
 */
import { App } from 'aws-cdk-lib';
import { RewardsStage } from './rewards-stage';
import { Compliance } from '../../src/compliance';

const app = new App();
Compliance.of(app).enable();
const account = process.env.CDK_DEFAULT_ACCOUNT;
new RewardsStage(app, 'Rewards', {
  env: account ? { account, region: process.env.CDK_DEFAULT_REGION } : undefined,
  accountConcurrency: app.node.tryGetContext('rewards:accountConcurrency'),
  idVerifierUrl: app.node.tryGetContext('rewards:idVerifierUrl'),
  catalogUrl: app.node.tryGetContext('rewards:catalogUrl'),
  alarmEmails: app.node.tryGetContext('rewards:alarmEmails'),
  usersCertificateArn: app.node.tryGetContext('rewards:usersCertificateArn'),
});
app.synth();
