import { isDeepStrictEqual } from 'util';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { allowCloudWatchLogs, denyGrantsExceptToAwsServices, DENY_GRANTS_SID, secureKey } from '../../src/private/kms-key';
import { expectCompliant } from '../support/compliance';

const DENY_GRANTS = {
  Sid: DENY_GRANTS_SID,
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: 'kms:CreateGrant',
  Resource: '*',
  Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
};

const LOGS_USE = {
  Effect: 'Allow',
  Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
  Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
  Resource: '*',
  Condition: {
    ArnLike: {
      'kms:EncryptionContext:aws:logs:arn': {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':log-group:*']],
      },
    },
  },
};

function statementsOf(stack: Stack): any[] {
  const keys = Template.fromStack(stack).findResources('AWS::KMS::Key');
  return Object.values(keys).flatMap((k: any) => k.Properties.KeyPolicy.Statement);
}

describe('secureKey', () => {
  test('rotates, is retained, and denies grants except to AWS services; no logs statement by default', () => {
    const stack = new Stack();
    secureKey(stack, 'Key', { description: 'Encrypts the test data' });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        Description: 'Encrypts the test data',
        EnableKeyRotation: true,
        KeyPolicy: { Statement: Match.arrayWith([DENY_GRANTS]) },
      },
    });
    const statements = statementsOf(stack);
    expect(statements.filter((s) => JSON.stringify(s.Principal).includes('logs.'))).toEqual([]);
  });

  test('forLogs lets CloudWatch Logs of this account and region use the key, before the grant statement', () => {
    const stack = new Stack();
    secureKey(stack, 'Key', { description: 'Encrypts logs', forLogs: true });
    const statements = statementsOf(stack);
    const logsAt = statements.findIndex((s) => isDeepStrictEqual(s, LOGS_USE));
    const denyAt = statements.findIndex((s) => s.Sid === DENY_GRANTS_SID);
    expect(logsAt).toBeGreaterThanOrEqual(0);
    expect(denyAt).toBeGreaterThan(logsAt);
  });

  test('takes a removal policy, and cuts the description to the 8192 characters KMS allows', () => {
    const stack = new Stack();
    secureKey(stack, 'Key', { description: 'x'.repeat(9000), removalPolicy: RemovalPolicy.DESTROY });
    Template.fromStack(stack).hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Delete',
      Properties: { Description: 'x'.repeat(8192) },
    });
  });

  test('a log group encrypted with a forLogs key passes every pack, Control Tower CT.KMS.PR.3 included', () => {
    const app = new App();
    const stack = new Stack(app, 'Keys');
    const key = secureKey(stack, 'Key', { description: 'Encrypts logs', forLogs: true });
    new logs.LogGroup(stack, 'Logs', { encryptionKey: key, retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
    expectCompliant(stack);
  });
});

describe('allowCloudWatchLogs and denyGrantsExceptToAwsServices', () => {
  test('add their statements to a key of the caller', () => {
    const stack = new Stack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    allowCloudWatchLogs(key);
    denyGrantsExceptToAwsServices(key);
    const statements = statementsOf(stack);
    expect(statements).toEqual(expect.arrayContaining([LOGS_USE, DENY_GRANTS]));
  });

  test('leave an imported key alone: its policy is not this stack\'s', () => {
    const stack = new Stack();
    const key = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    allowCloudWatchLogs(key);
    denyGrantsExceptToAwsServices(key);
    Template.fromStack(stack).resourceCountIs('AWS::KMS::Key', 0);
  });
});
