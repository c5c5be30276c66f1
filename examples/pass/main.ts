/**
 * The movement pass app: one stage (analytics archive, backend, site) in the account and region of
 * your credentials (environment-agnostic without them), and the two-region stage `PassActive`
 * (docs/active-active.md; regions from context `pass:regions`). Settings come from cdk.json's context.
 *
 *   cd examples/pass
 *   npx cdk deploy 'Pass/*'
 *   npx cdk deploy 'PassActive/*'     # both regions (the first region's backend before the second's)
 */
import { App } from 'aws-cdk-lib';
import { DEFAULT_ACTIVE_REGIONS, PassActiveStage } from './pass-active-stage';
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
new PassActiveStage(app, 'PassActive', {
  account,
  regions: app.node.tryGetContext('pass:regions') ?? DEFAULT_ACTIVE_REGIONS,
  rules: app.node.tryGetContext('pass:rules'),
  accountConcurrency: app.node.tryGetContext('pass:accountConcurrency'),
  identityVerifierUrl: app.node.tryGetContext('pass:identityVerifierUrl'),
  alarmEmails: app.node.tryGetContext('pass:alarmEmails'),
});
app.synth();
