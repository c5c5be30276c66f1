import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { archiveBucket, queryResultsBucket } from '../../src/stream/private/archive-buckets';

function setup() {
  const stack = new Stack(new App(), 'S');
  const key = new kms.Key(stack, 'Key');
  const logs = new s3.Bucket(stack, 'Logs');
  return { stack, key, logs };
}

const encryptedWith = (stack: Stack, key: kms.Key) => ({
  BucketEncryption: {
    ServerSideEncryptionConfiguration: [{
      BucketKeyEnabled: true,
      ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: stack.resolve(key.keyArn) },
    }],
  },
  VersioningConfiguration: { Status: 'Enabled' },
  NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
});

describe('archiveBucket', () => {
  test('encrypted with the key, versioned, retained, logged under archive/, tiers then expiry', () => {
    const { stack, key, logs } = setup();
    const bucket = archiveBucket(stack, key, logs, {
      transitions: [{ storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(90) }],
      expiration: Duration.days(400),
      noncurrentVersionExpiration: Duration.days(30),
    });
    expect(bucket.node.id).toBe('Archive');
    const t = Template.fromStack(stack);
    t.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        ...encryptedWith(stack, key),
        LoggingConfiguration: { DestinationBucketName: stack.resolve(logs.bucketName), LogFilePrefix: 'archive/' },
        LifecycleConfiguration: {
          Rules: [{
            Id: 'archive-tiers',
            Status: 'Enabled',
            Transitions: [{ StorageClass: 'GLACIER', TransitionInDays: 90 }],
            ExpirationInDays: 400,
            NoncurrentVersionExpiration: { NoncurrentDays: 30 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          }],
        },
      }),
    });
  });

  test('without expiration the archive keeps its events', () => {
    const { stack, key, logs } = setup();
    archiveBucket(stack, key, logs, { transitions: [], noncurrentVersionExpiration: Duration.days(90) });
    const rules = Template.fromStack(stack).findResources('AWS::S3::Bucket', { Properties: { LifecycleConfiguration: Match.anyValue() } });
    const [rule] = (Object.values(rules)[0] as any).Properties.LifecycleConfiguration.Rules;
    expect(rule.ExpirationInDays).toBeUndefined();
    expect(rule.Id).toBe('archive-tiers');
  });
});

describe('queryResultsBucket', () => {
  test('encrypted, logged under query-results/, results expiring', () => {
    const { stack, key, logs } = setup();
    const bucket = queryResultsBucket(stack, key, logs, Duration.days(7));
    expect(bucket.node.id).toBe('QueryResults');
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', Match.objectLike({
      ...encryptedWith(stack, key),
      LoggingConfiguration: { DestinationBucketName: stack.resolve(logs.bucketName), LogFilePrefix: 'query-results/' },
      LifecycleConfiguration: {
        Rules: [{
          Id: 'expire-query-results',
          Status: 'Enabled',
          ExpirationInDays: 7,
          NoncurrentVersionExpiration: { NoncurrentDays: 1 },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        }],
      },
    }));
  });

  test('the access-log bucket lets S3 logging write only under the prefix', () => {
    const { stack, key, logs } = setup();
    queryResultsBucket(stack, key, logs, Duration.days(7));
    Template.fromStack(stack).hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: stack.resolve(logs.bucketName),
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Allow',
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: { 'Fn::Join': ['', [stack.resolve(logs.bucketArn), '/query-results/*']] },
        })]),
      },
    });
  });
});
