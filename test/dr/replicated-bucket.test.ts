import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { PRIMARY, RECOVERY, pair, replicaArn, replicaObjects, aliasArn } from './fixtures';
import { ReplicatedBucket } from '../../src/dr';
import { expectCompliant } from '../support/compliance';


describe('ReplicatedBucket (primary region)', () => {
  test('the source: versioned, KMS-encrypted with its own key, TLS only, private, retained', () => {
    const { primary } = pair();
    Template.fromStack(primary).hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ImagesKey'), 'Arn'] } } }] },
        ReplicationConfiguration: Match.anyValue(),
      }),
      DeletionPolicy: 'Retain',
    });
  });

  test('one rule replicates every object, KMS-encrypted ones included, with the recovery key; delete markers stay in the primary', () => {
    const { primary } = pair();
    Template.fromStack(primary).hasResourceProperties('AWS::S3::Bucket', {
      ReplicationConfiguration: {
        Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ImagesReplicationRole'), 'Arn'] },
        Rules: [{
          Id: 'disaster-recovery',
          Status: 'Enabled',
          Priority: 0,
          Filter: { Prefix: '' },
          DeleteMarkerReplication: { Status: 'Disabled' },
          SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
          Destination: {
            Bucket: replicaArn,
            EncryptionConfiguration: { ReplicaKmsKeyID: aliasArn },
          },
        }],
      },
    });
  });

  test('the replication role: assumed by S3 of this account only, allowed to read source versions and write replicas, nothing else', () => {
    const { primary } = pair();
    const t = Template.fromStack(primary);
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } }] },
    });
    t.resourceCountIs('AWS::IAM::Policy', 0);
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^ImagesReplicationRole') }],
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'], Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ImagesBucket'), 'Arn'] } },
          { Effect: 'Allow', Action: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'], Resource: Match.anyValue() },
          { Effect: 'Allow', Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'], Resource: replicaObjects },
          {
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ImagesKey'), 'Arn'] },
            Condition: { StringEquals: { 'kms:ViaService': `s3.${PRIMARY}.amazonaws.com` }, ArnLike: Match.anyValue() },
          },
          {
            Effect: 'Allow',
            Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:kms:${RECOVERY}:`, { Ref: 'AWS::AccountId' }, ':key/*']] },
            Condition: {
              'StringEquals': { 'kms:ViaService': `s3.${RECOVERY}.amazonaws.com` },
              'ArnLike': { 'kms:EncryptionContext:aws:s3:arn': [replicaArn, replicaObjects] },
              'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/rampart-dr/RecoveryImagesDEE73187' },
            },
          },
        ],
      },
    });
  });

  test('the primary stack deploys after the recovery stack and references nothing of it', () => {
    const { app, primary, recovery } = pair();
    expect(primary.dependencies).toContain(recovery);
    const assembly = app.synth();
    expect(JSON.stringify(assembly.getStackByName('Primary').template)).not.toMatch(/Fn::ImportValue|Custom::CrossRegion|ExportsReader/);
    expect(JSON.stringify(assembly.getStackByName('Recovery').template)).not.toMatch(/ExportsWriter|Custom::CrossRegion/);
  });

  test('replication time control: 15 minutes, with metrics and their 15-minute threshold', () => {
    const { primary } = pair({ replicationTimeControl: true });
    Template.fromStack(primary).hasResourceProperties('AWS::S3::Bucket', {
      ReplicationConfiguration: {
        Rules: [Match.objectLike({
          Destination: Match.objectLike({
            ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
            Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
          }),
        })],
      },
    });
  });

  test('metrics alone, delete-marker replication and a replica storage class on request', () => {
    const { primary } = pair({ replicationMetrics: true, deleteMarkerReplication: true, replicaStorageClass: s3.StorageClass.INFREQUENT_ACCESS });
    Template.fromStack(primary).hasResourceProperties('AWS::S3::Bucket', {
      ReplicationConfiguration: {
        Rules: [Match.objectLike({
          DeleteMarkerReplication: { Status: 'Enabled' },
          Destination: Match.objectLike({ Metrics: { Status: 'Enabled' }, ReplicationTime: Match.absent(), StorageClass: 'STANDARD_IA' }),
        })],
      },
    });
  });

  test('a destination outside the app in another account: replica ownership goes to that account, the key by its ARN', () => {
    const app = new App();
    const primary = new Stack(app, 'Primary', { env: { region: PRIMARY, account: '111111111111' } });
    const keyArn = `arn:aws:kms:${RECOVERY}:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    new ReplicatedBucket(primary, 'Images', { destination: { bucketName: 'dr-images', region: RECOVERY, account: '222222222222', kmsKeyArn: keyArn } });
    const t = Template.fromStack(primary);
    t.hasResourceProperties('AWS::S3::Bucket', {
      ReplicationConfiguration: {
        Rules: [Match.objectLike({
          Destination: Match.objectLike({ Account: '222222222222', AccessControlTranslation: { Owner: 'Destination' }, EncryptionConfiguration: { ReplicaKmsKeyID: keyArn } }),
        })],
      },
    });
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags', 's3:ObjectOwnerOverrideToBucketOwner'] }),
          Match.objectLike({ Action: ['kms:Encrypt', 'kms:GenerateDataKey'], Resource: keyArn }),
        ]),
      },
    });
  });

  test('a source key you bring is used and no key is created', () => {
    const app = new App();
    const primary = new Stack(app, 'Primary', { env: { region: PRIMARY } });
    const key = new kms.Key(primary, 'MyKey', { enableKeyRotation: true });
    new ReplicatedBucket(primary, 'Images', { destination: { bucketName: 'dr-images', region: RECOVERY }, encryptionKey: key });
    const t = Template.fromStack(primary);
    t.resourceCountIs('AWS::KMS::Key', 1);
    t.hasResourceProperties('AWS::S3::Bucket', { ReplicationConfiguration: { Rules: [Match.objectLike({ Destination: { Bucket: Match.anyValue() } })] } });
  });
});

describe('ReplicatedBucket behind CloudFront', () => {
  test('distributionOrigin: the bucket policy and the key policy name the one distribution, the bucket names the key by alias, no cycle', () => {
    const app = new App();
    const primary = new Stack(app, 'Primary', { env: { region: PRIMARY } });
    const images = new ReplicatedBucket(primary, 'Images', { destination: { bucketName: 'dr-images', region: RECOVERY } });
    const distribution = new cloudfront.Distribution(primary, 'Distribution', { defaultBehavior: { origin: images.distributionOrigin() } });
    // Synthesizing at all shows there is no cycle.
    const t = Template.fromStack(primary);
    const distributionId = primary.getLogicalId(distribution.node.defaultChild as cloudfront.CfnDistribution);
    const keyStatements = (Object.values(t.findResources('AWS::KMS::Key'))[0] as any).Properties.KeyPolicy.Statement
      .filter((s: any) => s.Principal?.Service === 'cloudfront.amazonaws.com');
    expect(keyStatements).toHaveLength(1);
    expect(keyStatements[0].Action).toBe('kms:Decrypt');
    expect(JSON.stringify(keyStatements[0].Condition)).toContain(`{"Ref":"${distributionId}"}`);
    expect(JSON.stringify(t.toJSON())).not.toContain('distribution/*');
    const bucket = Object.values(t.findResources('AWS::S3::Bucket')).find((b: any) => b.Properties.ReplicationConfiguration) as any;
    expect(JSON.stringify(bucket.Properties.BucketEncryption)).toContain(':alias/');
  });

  test('distributionOrigin refuses a key given in the props and a second distribution', () => {
    const primary = new Stack(new App(), 'Primary', { env: { region: PRIMARY } });
    const given = new ReplicatedBucket(primary, 'Given', { destination: { bucketName: 'dr-given', region: RECOVERY }, encryptionKey: new kms.Key(primary, 'MyKey') });
    expect(() => given.distributionOrigin()).toThrow(/encryptionKey: a key given in the props cannot be named by an alias of this stack; allowed: the key ReplicatedBucket made/);
    const own = new ReplicatedBucket(primary, 'Own', { destination: { bucketName: 'dr-own', region: RECOVERY } });
    own.distributionOrigin();
    expect(() => own.distributionOrigin()).toThrow(/distributionOrigin: called twice; allowed: one distribution per bucket/);
  });
});

describe('ReplicatedBucket validation', () => {
  const primaryStack = () => new Stack(new App(), 'Primary', { env: { region: PRIMARY } });
  const dest = { bucketName: 'dr-images', region: RECOVERY };

  test('neither or both destinations', () => {
    expect(() => new ReplicatedBucket(primaryStack(), 'B', {})).toThrow(/recoveryBucket, destination: neither given; allowed: a RecoveryBucket/);
    const { replica, primary } = pair();
    expect(() => new ReplicatedBucket(primary, 'B2', { recoveryBucket: replica, destination: dest })).toThrow(/recoveryBucket, destination: both given; allowed: exactly one/);
  });
  test('the destination in the primary region', () => {
    expect(() => new ReplicatedBucket(primaryStack(), 'B', { destination: { ...dest, region: PRIMARY } }))
      .toThrow(/destination.region: 'eu-west-1' is the primary stack's region; allowed: another region/);
  });
  test('a region that is not a region name', () => {
    expect(() => new ReplicatedBucket(primaryStack(), 'B', { destination: { ...dest, region: 'Frankfurt' } })).toThrow(/destination.region: 'Frankfurt'/);
  });
  test('a bad bucket name, account or key ARN', () => {
    expect(() => new ReplicatedBucket(primaryStack(), 'B', { destination: { ...dest, bucketName: 'X' } })).toThrow(/destination.bucketName: 'X'/);
    expect(() => new ReplicatedBucket(primaryStack(), 'B', { destination: { ...dest, account: '12' } })).toThrow(/destination.account: '12'; allowed: a 12-digit account id/);
    expect(() => new ReplicatedBucket(primaryStack(), 'B', { destination: { ...dest, kmsKeyArn: 'my-key' } })).toThrow(/destination.kmsKeyArn: 'my-key' is not a kms ARN/);
    expect(() => new ReplicatedBucket(primaryStack(), 'B', { destination: { ...dest, kmsKeyArn: 'arn:aws:kms:eu-west-1:111111111111:alias/dr' } }))
      .toThrow(/destination.kmsKeyArn: 'arn:aws:kms:eu-west-1:111111111111:alias\/dr' is in eu-west-1; allowed: a KMS key ARN or alias ARN in the destination region eu-central-1/);
    expect(() => new ReplicatedBucket(primaryStack(), 'B', { destination: { ...dest, bucketName: 'dr..images' } })).toThrow(/destination.bucketName: 'dr..images'/);
  });
  test('a cross-account destination from a primary stack without an account', () => {
    expect(() => new ReplicatedBucket(primaryStack(), 'B', { destination: { ...dest, account: '222222222222' } }))
      .toThrow(/destination.account: '222222222222' but the primary stack has no env.account/);
  });
  test('replication time control without metrics', () => {
    expect(() => new ReplicatedBucket(primaryStack(), 'B', { destination: dest, replicationTimeControl: true, replicationMetrics: false }))
      .toThrow(/replicationMetrics: false with replicationTimeControl on/);
  });
});

describe('ReplicatedBucket compliance', () => {
  test('the primary and recovery stacks pass every pack', () => {
    const { app } = pair();
    expectCompliant(app);
  });
});
