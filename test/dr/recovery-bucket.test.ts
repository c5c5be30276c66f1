import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RECOVERY, pair, replicaName, aliasArn } from './fixtures';
import { RecoveryBucket } from '../../src/dr';


describe('RecoveryBucket (recovery region)', () => {
  test('a versioned, KMS-encrypted, TLS-only, private, retained bucket with a name both stacks know', () => {
    const { recovery } = pair();
    const t = Template.fromStack(recovery);
    t.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        BucketName: replicaName,
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^ImagesAccessLogs') }, LogFilePrefix: 'replica/' },
      }),
      DeletionPolicy: 'Retain',
    });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    t.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/rampart-dr/RecoveryImagesDEE73187' });
  });

  test('publishes where to replicate as strings: the bucket name and the key alias ARN of its region', () => {
    const { recovery, replica } = pair();
    const d = replica.replicationDestination;
    expect(d.region).toBe(RECOVERY);
    expect(d.account).toBeUndefined();
    expect(recovery.resolve(d.bucketName)).toEqual(replicaName);
    expect(recovery.resolve(d.kmsKeyArn)).toEqual(aliasArn);
  });

  test('access logs are delivered through a bucket policy, with ACLs disabled', () => {
    const { recovery } = pair();
    const t = Template.fromStack(recovery);
    t.hasResourceProperties('AWS::S3::Bucket', {
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 365, Status: 'Enabled' })] },
    });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' })]) },
    });
  });

  test('validation: the recovery stack needs a region, and a bucket name must be valid', () => {
    const app = new App();
    expect(() => new RecoveryBucket(new Stack(app, 'Agnostic'), 'B')).toThrow(/stack: 'Agnostic' has no region; allowed: a recovery stack with an explicit env.region/);
    expect(() => new RecoveryBucket(new Stack(app, 'R', { env: { region: RECOVERY } }), 'B', { bucketName: 'Bad_Name' }))
      .toThrow(/bucketName: 'Bad_Name'; allowed: 3-63 lowercase/);
  });
});
