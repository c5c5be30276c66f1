import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { accessLogBucket, acknowledgeNoObjectLock, dataBucketProps, enableEventBridge, logAccessTo } from '../../src/private/buckets';
import { secureKey } from '../../src/private/kms-key';
import { acknowledgeEach, S3_REPLICATION_RULES } from '../../src/private/nag-id';
import { expectCompliant } from '../support/compliance';

/** A KMS-encrypted data bucket that logs to `target`, as the library's constructs build them. */
function dataBucket(stack: Stack, target: s3.IBucket, prefix = 'data/'): s3.Bucket {
  const bucket = new s3.Bucket(stack, 'Data', {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: secureKey(stack, 'Key', { description: 'Encrypts the data' }),
    bucketKeyEnabled: true,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    versioned: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: RemovalPolicy.RETAIN,
    lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(7) }],
  });
  logAccessTo(bucket, target, prefix);
  enableEventBridge(bucket);
  acknowledgeNoObjectLock(bucket);
  acknowledgeEach(bucket, S3_REPLICATION_RULES, 'A test data bucket that stays in its region.');
  return bucket;
}

function logsOf(template: Template): any {
  const buckets = template.findResources('AWS::S3::Bucket', { Properties: { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } } });
  expect(Object.keys(buckets)).toHaveLength(1);
  return Object.values(buckets)[0];
}

describe('accessLogBucket', () => {
  test('SSE-S3, ACLs disabled, versioned, private, retained, logs expire after a year, object events to EventBridge', () => {
    const stack = new Stack();
    accessLogBucket(stack, 'AccessLogs');
    const template = Template.fromStack(stack);
    expect(logsOf(template)).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
        LifecycleConfiguration: {
          Rules: [{
            Id: 'expire-access-logs',
            Status: 'Enabled',
            ExpirationInDays: 365,
            NoncurrentVersionExpiration: { NoncurrentDays: 30 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          }],
        },
      },
    });
    expect(logsOf(template).Properties.AccessControl).toBeUndefined();
  });

  test('refuses requests without TLS and below TLS 1.2', () => {
    const stack = new Stack();
    accessLogBucket(stack, 'AccessLogs');
    Template.fromStack(stack).hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      },
    });
  });

  test('keeps ACLs enabled (object writer) for CloudFront standard logs, and takes the log expiry', () => {
    const stack = new Stack();
    accessLogBucket(stack, 'Logs', { cloudFrontStandardLogs: true, expiration: Duration.days(90) });
    const props = logsOf(Template.fromStack(stack)).Properties;
    expect(props.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'ObjectWriter' }] });
    expect(props.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(90);
  });

  test.each([
    ['S3 server access logs', {}],
    // Object writer ownership without an ACL set on the bucket is not a Control Tower finding.
    ['CloudFront standard logs too', { cloudFrontStandardLogs: true }],
  ])('a data bucket logging to it passes every pack (%s); the log bucket acknowledges what log delivery forces, with reasons', (_name, options) => {
    const app = new App();
    const stack = new Stack(app, 'Logs');
    const logs = accessLogBucket(stack, 'AccessLogs', options);
    dataBucket(stack, logs);
    const report = expectCompliant(stack);
    const onLogs = report.acknowledgements.filter((a) => a.constructPath.startsWith('Logs/AccessLogs/'));
    expect(onLogs.map((a) => a.ruleId).sort()).toEqual([
      ...S3_REPLICATION_RULES,
      'NIST.800.53.R5-S3DefaultEncryptionKMS', 'HIPAA.Security-S3DefaultEncryptionKMS', 'PCI.DSS.321-S3DefaultEncryptionKMS',
      's3_bucket_default_encryption_kms_check', 's3_bucket_logging_enabled_check', 's3_bucket_object_lock_enabled_check',
    ].sort());
    for (const a of onLogs) expect(a.reason.length).toBeGreaterThan(40);
  });
});

describe('logAccessTo', () => {
  test('writes the logging configuration and allows S3 log delivery by bucket policy, named to the source bucket and account', () => {
    const stack = new Stack();
    const logs = accessLogBucket(stack, 'AccessLogs');
    dataBucket(stack, logs, 'archive/');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^AccessLogs') }, LogFilePrefix: 'archive/' },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^AccessLogs') },
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Effect: 'Allow',
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^AccessLogs'), 'Arn'] }, '/archive/*']] },
          Condition: {
            ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('^Data'), 'Arn'] } },
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          },
        }]),
      },
    });
  });

  test('never falls back to the LogDeliveryWrite ACL, whatever the app\'s S3 feature flags', () => {
    const stack = new Stack(new App({ context: { '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': false } }), 'NoFlag');
    const logs = new s3.Bucket(stack, 'CallersLogs', { objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED, enforceSSL: true });
    dataBucket(stack, logs);
    const template = Template.fromStack(stack);
    const buckets = Object.values(template.findResources('AWS::S3::Bucket')) as any[];
    expect(buckets.map((b) => b.Properties.AccessControl)).toEqual([undefined, undefined]);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logging.s3.amazonaws.com' } })]) },
    });
  });

  test('names no source in a target bucket of another stack (that would be a reference cycle)', () => {
    const app = new App();
    const logsStack = new Stack(app, 'LogArchive');
    const logs = new s3.Bucket(logsStack, 'Logs', { enforceSSL: true });
    dataBucket(new Stack(app, 'Data'), logs);
    Template.fromStack(logsStack).hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logging.s3.amazonaws.com' }, Condition: Match.absent() })]),
      },
    });
  });

  test('an imported target gets the logging configuration only: its policy belongs to its owner', () => {
    const stack = new Stack();
    dataBucket(stack, s3.Bucket.fromBucketName(stack, 'Archive', 'org-log-archive'));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::S3::Bucket', { LoggingConfiguration: { DestinationBucketName: 'org-log-archive', LogFilePrefix: 'data/' } });
    template.resourcePropertiesCountIs('AWS::S3::BucketPolicy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logging.s3.amazonaws.com' } })]) } }, 0);
  });
});

describe('dataBucketProps', () => {
  test('a data bucket: versioned, SSE-KMS with a bucket key, TLS 1.2+ only, public access blocked, ACLs off, retained', () => {
    const stack = new Stack(new App(), 'Data');
    const key = new kms.Key(stack, 'Key');
    new s3.Bucket(stack, 'Bucket', dataBucketProps(key));
    const template = Template.fromStack(stack);
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ BucketKeyEnabled: true, ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) })] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      }),
    });
    const policy = JSON.stringify(template.findResources('AWS::S3::BucketPolicy'));
    expect(policy).toContain('aws:SecureTransport');
    expect(policy).toContain('s3:TlsVersion');
  });

  test('the removal policy can be chosen', () => {
    const stack = new Stack(new App(), 'Data');
    new s3.Bucket(stack, 'Bucket', dataBucketProps(new kms.Key(stack, 'Key'), RemovalPolicy.DESTROY));
    Template.fromStack(stack).hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
  });
});
