/**
 * The movement pass app: one stage (analytics archive, backend, site) in the account and region of
 * your credentials (environment-agnostic without them). Settings come from cdk.json's context.
 *
 *   cd examples/pass
 *   npx cdk deploy 'Pass/*'
 */
import { App } from 'aws-cdk-lib';
import { PassStage } from './pass-stage';
import { Compliance } from '../../src/compliance';

const app = new App();
Compliance.of(app).enable();
const account = process.env.CDK_DEFAULT_ACCOUNT;
new PassStage(app, 'Pass', {
  env: account ? { account, region: process.env.CDK_DEFAULT_REGION } : undefined,
  rules: app.node.tryGetContext('pass:rules'),
  accountConcurrency: app.node.tryGetContext('pass:accountConcurrency'),
  loginDomainPrefix: app.node.tryGetContext('pass:loginDomainPrefix'),
  loginDomainName: app.node.tryGetContext('pass:loginDomainName'),
  loginCertificateArn: app.node.tryGetContext('pass:loginCertificateArn'),
  identityVerifierUrl: app.node.tryGetContext('pass:identityVerifierUrl'),
  alarmEmails: app.node.tryGetContext('pass:alarmEmails'),
});
app.synth();
