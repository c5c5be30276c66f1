import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { Compliance } from '../../compliance';

/**
 * Log delivery through a bucket policy (not the LogDeliveryWrite ACL), so that ACLs stay disabled.
 * Call first in a constructor: context can only be set before children are added.
 */
export function deliverAccessLogsWithBucketPolicy(scope: Construct): void {
  if (scope.node.tryGetContext(cxapi.S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY) === undefined) {
    scope.node.setContext(cxapi.S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
  }
}

/**
 * A bucket for S3 server access logs, with what log delivery allows: SSE-S3 (log delivery cannot
 * use a KMS key), versioned, TLS only, private, retained.
 */
export function accessLogBucket(scope: Construct): s3.Bucket {
  const bucket = new s3.Bucket(scope, 'AccessLogs', {
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    encryption: s3.BucketEncryption.S3_MANAGED,
    versioned: true,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    removalPolicy: RemovalPolicy.RETAIN,
    lifecycleRules: [{
      id: 'expire-access-logs',
      expiration: Duration.days(365),
      noncurrentVersionExpiration: Duration.days(30),
      abortIncompleteMultipartUploadAfter: Duration.days(7),
    }],
  });
  enableEventBridge(bucket);
  acknowledgeNoObjectLock(bucket);
  const logsOfLogs = 'This bucket receives S3 server access logs; logging it to itself would loop, to another bucket would only move the finding.';
  Compliance.acknowledge(bucket, 'AwsSolutions-S1', logsOfLogs);
  Compliance.acknowledge(bucket, 'NIST.800.53.R5-S3BucketLoggingEnabled', logsOfLogs);
  Compliance.acknowledge(bucket, 'HIPAA.Security-S3BucketLoggingEnabled', logsOfLogs);
  Compliance.acknowledge(bucket, 'PCI.DSS.321-S3BucketLoggingEnabled', logsOfLogs);
  Compliance.acknowledge(bucket, 's3_bucket_logging_enabled_check', logsOfLogs);
  const noKms = 'S3 server access log delivery supports only SSE-S3 on the target bucket, not SSE-KMS.';
  Compliance.acknowledge(bucket, 'NIST.800.53.R5-S3DefaultEncryptionKMS', noKms);
  Compliance.acknowledge(bucket, 'HIPAA.Security-S3DefaultEncryptionKMS', noKms);
  Compliance.acknowledge(bucket, 'PCI.DSS.321-S3DefaultEncryptionKMS', noKms);
  Compliance.acknowledge(bucket, 's3_bucket_default_encryption_kms_check', noKms);
  const noReplication = 'Access logs are operational records of this region; they are not replicated for disaster recovery.';
  Compliance.acknowledge(bucket, 'NIST.800.53.R5-S3BucketReplicationEnabled', noReplication);
  Compliance.acknowledge(bucket, 'HIPAA.Security-S3BucketReplicationEnabled', noReplication);
  Compliance.acknowledge(bucket, 'PCI.DSS.321-S3BucketReplicationEnabled', noReplication);
  return bucket;
}

/**
 * Object events to EventBridge, set on the L1: the L2 option deploys a notifications custom resource
 * (a Lambda function) for what CloudFormation does natively.
 */
export function enableEventBridge(bucket: s3.Bucket): void {
  (bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
}

/** S3 Object Lock is a choice of the data's owner, not a default of a DR copy. */
export function acknowledgeNoObjectLock(bucket: s3.Bucket): void {
  Compliance.acknowledge(bucket, 's3_bucket_object_lock_enabled_check',
    'Object Lock (WORM) cannot be turned off once on and blocks deleting data the owner must be able to delete (e.g. on request). '
    + 'Versioning, cross-region replication and a retained bucket protect the data; enable Object Lock through the L1 where a regulation requires WORM.');
}
