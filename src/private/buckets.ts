import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { Compliance, RuleFamily } from '../compliance';

/** Options of `accessLogBucket`. */
export interface AccessLogBucketOptions {
  /**
   * How long a log object is kept.
   *
   * @default Duration.days(365)
   */
  readonly expiration?: Duration;
  /**
   * The bucket also receives CloudFront standard logs, which CloudFront delivers with an ACL grant:
   * ACLs stay enabled (object writer) on this bucket.
   *
   * @default false
   */
  readonly cloudFrontStandardLogs?: boolean;
}

/** Days a deleted or expired log object stays recoverable as a noncurrent version. */
const NONCURRENT_LOG_DAYS = 30;

/**
 * The settings every bucket holding data shares: versioned, SSE-KMS with the given key (and an S3
 * Bucket Key, so KMS is called per bucket rather than per object), TLS 1.2 or later only, public
 * access blocked, ACLs off, retained. Spread them first and add what differs.
 */
export function dataBucketProps(encryptionKey: kms.IKey, removalPolicy: RemovalPolicy = RemovalPolicy.RETAIN): s3.BucketProps {
  return {
    versioned: true,
    encryption: s3.BucketEncryption.KMS,
    encryptionKey,
    bucketKeyEnabled: true,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy,
  };
}

/**
 * A bucket for access logs, with what log delivery allows: SSE-S3 (log delivery cannot use a KMS
 * key), versioned, TLS 1.2 only, private, retained, logs expiring after a year, object events to
 * EventBridge; the findings that come with being a log target are acknowledged on it.
 */
export function accessLogBucket(scope: Construct, id: string, options: AccessLogBucketOptions = {}): s3.Bucket {
  const cloudFront = options.cloudFrontStandardLogs ?? false;
  const bucket = new s3.Bucket(scope, id, {
    objectOwnership: cloudFront ? s3.ObjectOwnership.OBJECT_WRITER : s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    encryption: s3.BucketEncryption.S3_MANAGED,
    versioned: true,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    removalPolicy: RemovalPolicy.RETAIN,
    lifecycleRules: [{
      id: 'expire-access-logs',
      expiration: options.expiration ?? Duration.days(365),
      noncurrentVersionExpiration: Duration.days(NONCURRENT_LOG_DAYS),
      abortIncompleteMultipartUploadAfter: Duration.days(7),
    }],
  });
  enableEventBridge(bucket);
  const writers = cloudFront ? 'CloudFront standard logging and S3 server access logging deliver' : 'S3 server access logging delivers';
  Compliance.acknowledgeFamily(bucket, RuleFamily.S3_KMS_ENCRYPTION, `${writers} only to a bucket with SSE-S3 (AES-256) default encryption, not SSE-KMS.`);
  Compliance.acknowledgeFamily(bucket, RuleFamily.S3_ACCESS_LOGGING,
    'This bucket receives access logs; logging its own access would write logs about log writes without end, and logging it to another bucket would only move the finding.');
  Compliance.acknowledge(bucket, 's3_bucket_object_lock_enabled_check',
    'S3 server access logging does not deliver to a bucket with an Object Lock default retention period, and a lock without retention protects nothing; '
    + `the bucket is versioned (a deleted log stays recoverable for ${NONCURRENT_LOG_DAYS} days), TLS-only, private and retained.`);
  Compliance.acknowledgeFamily(bucket, RuleFamily.S3_REPLICATION,
    'Access logs are operational records of the region that produced them and stay in it; they are not replicated for disaster recovery. Deliver them to an organisation log archive where one replicates.');
  return bucket;
}

/**
 * S3 server access logs of `bucket` to `target` under `prefix`, delivery allowed by a statement in
 * the target's bucket policy (never the LogDeliveryWrite ACL, so ACLs can stay disabled): what
 * `serverAccessLogsBucket` does under the `@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy` flag,
 * without depending on the app's flags. Within one stack the statement names the source bucket
 * and account; across stacks it cannot without a reference cycle.
 */
export function logAccessTo(bucket: s3.Bucket, target: s3.IBucket, prefix: string): void {
  (bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = { destinationBucketName: target.bucketName, logFilePrefix: prefix };
  const sameStack = Stack.of(bucket) === Stack.of(target);
  target.addToResourcePolicy(new iam.PolicyStatement({
    effect: iam.Effect.ALLOW,
    principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
    actions: ['s3:PutObject'],
    resources: [target.arnForObjects(`${prefix}*`)],
    conditions: sameStack ? { ArnLike: { 'aws:SourceArn': bucket.bucketArn }, StringEquals: { 'aws:SourceAccount': bucket.env.account } } : undefined,
  }));
}

/**
 * Object events to EventBridge, set on the L1: the L2 option deploys a notifications custom resource
 * (a Lambda function) for what CloudFormation does natively.
 */
export function enableEventBridge(bucket: s3.Bucket): void {
  (bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
}

/** S3 Object Lock on a data bucket is a choice of the data's owner, not a default. */
export function acknowledgeNoObjectLock(bucket: s3.Bucket): void {
  Compliance.acknowledge(bucket, 's3_bucket_object_lock_enabled_check',
    'Object Lock (WORM) cannot be turned off once on and blocks deleting data the owner must be able to delete (e.g. on request). '
    + 'Versioning and a retained bucket (and cross-region replication where the construct sets it up) protect the data; enable Object Lock through the L1 where a regulation requires WORM.');
}
