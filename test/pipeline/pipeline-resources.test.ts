import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { PIPELINE_ACCOUNT, pipelineStack } from './fixtures';
import { artifactBucket, imageRepository } from '../../src/pipeline/private/pipeline-resources';

function setup(): { stack: Stack; key: kms.Key } {
  const stack = pipelineStack();
  return { stack, key: new kms.Key(stack, 'Key') };
}

describe('artifactBucket', () => {
  test('KMS with the given key, versioned, private, retained, logging to the access-log bucket', () => {
    const { stack, key } = setup();
    const logs = new s3.Bucket(stack, 'Logs');
    artifactBucket(stack, key, logs);
    const template = Template.fromStack(stack);
    const keyArn = { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] };
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn } }] },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LoggingConfiguration: { DestinationBucketName: { Ref: stack.getLogicalId(logs.node.defaultChild as s3.CfnBucket) }, LogFilePrefix: 'artifacts/' },
        LifecycleConfiguration: {
          Rules: [Match.objectLike({
            NoncurrentVersionExpiration: { NoncurrentDays: 30 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          })],
        },
      }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });
});

describe('imageRepository', () => {
  test('scanned, immutable, KMS, retained, with both lifecycle rules; other accounts may pull, once each', () => {
    const { stack, key } = setup();
    imageRepository(stack, { directory: '.', dockerfile: 'Dockerfile', repositoryName: 'shop/app', maxImageCount: 7, buildCommands: [] }, key,
      [PIPELINE_ACCOUNT, '222222222222', '222222222222', '333333333333']);
    const template = Template.fromStack(stack);
    template.hasResource('AWS::ECR::Repository', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        RepositoryName: 'shop/app',
        ImageScanningConfiguration: { ScanOnPush: true },
        ImageTagMutability: 'IMMUTABLE',
        EncryptionConfiguration: Match.objectLike({ EncryptionType: 'KMS' }),
      }),
    });
    const repository = Object.values(template.findResources('AWS::ECR::Repository'))[0] as any;
    const rules = JSON.parse(repository.Properties.LifecyclePolicy.LifecyclePolicyText).rules;
    expect(rules.map((r: any) => [r.selection.tagStatus, r.selection.countType, r.selection.countNumber])).toEqual([
      ['untagged', 'sinceImagePushed', 1], ['any', 'imageCountMoreThan', 7],
    ]);
    const principals = repository.Properties.RepositoryPolicyText.Statement.map((s: any) => JSON.stringify(s.Principal));
    expect(principals).toHaveLength(2);
    expect(principals.join()).toContain('222222222222');
    expect(principals.join()).toContain('333333333333');
    expect(principals.join()).not.toContain(PIPELINE_ACCOUNT);
  });
});
