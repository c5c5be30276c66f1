import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ResolvedImageBuild } from './environment-defaults';
import { Compliance, RuleFamily } from '../../compliance';
import { enableEventBridge, logAccessTo } from '../../private/buckets';

/** The artifact bucket the pipelines share: KMS (the key CDK Pipelines shares with deploy roles), versioned, TLS-only, retained. */
export function artifactBucket(scope: Construct, key: kms.IKey, accessLogs: s3.IBucket): s3.Bucket {
  const bucket = new s3.Bucket(scope, 'ArtifactBucket', {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: key,
    bucketKeyEnabled: true,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: true,
    lifecycleRules: [{
      noncurrentVersionExpiration: Duration.days(30),
      abortIncompleteMultipartUploadAfter: Duration.days(7),
    }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  logAccessTo(bucket, accessLogs, 'artifacts/');
  enableEventBridge(bucket);
  Compliance.acknowledge(bucket.node.defaultChild!, 's3_bucket_object_lock_enabled_check',
    'Pipeline artifacts are rebuilt from source on every execution and expire by lifecycle rule; a WORM retention would keep stale artifacts and block that expiry. Versioning, the KMS key, TLS-only access and the private bucket policy protect them.');
  Compliance.acknowledgeFamily(bucket.node.defaultChild!, RuleFamily.S3_REPLICATION,
    'Pipeline artifacts are transient build outputs that any execution recreates from the source repository; a replica in another region would hold nothing that cannot be rebuilt.');
  return bucket;
}

/** The image repository: scanned on push, immutable tags, KMS, retained; the environments' accounts may pull. */
export function imageRepository(scope: Construct, image: ResolvedImageBuild, key: kms.IKey, pullAccounts: string[]): ecr.Repository {
  const repository = new ecr.Repository(scope, 'Repository', {
    repositoryName: image.repositoryName,
    imageScanOnPush: true,
    imageTagMutability: ecr.TagMutability.IMMUTABLE,
    encryption: ecr.RepositoryEncryption.KMS,
    encryptionKey: key,
    lifecycleRules: [
      { description: 'Untagged images expire after a day', tagStatus: ecr.TagStatus.UNTAGGED, maxImageAge: Duration.days(1) },
      { description: `Keep the last ${image.maxImageCount} images`, tagStatus: ecr.TagStatus.ANY, maxImageCount: image.maxImageCount },
    ],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  // The environments' accounts pull the images they deploy.
  for (const account of new Set(pullAccounts.filter((a) => a !== Stack.of(scope).account))) {
    repository.grantPull(new iam.AccountPrincipal(account));
  }
  return repository;
}
