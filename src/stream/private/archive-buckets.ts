import { Duration } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { dataBucketProps, enableEventBridge, logAccessTo } from '../../private/buckets';

/** The lifecycle of the archived events: storage tiers, then (optionally) expiry. */
export interface ArchiveLifecycle {
  readonly transitions: s3.Transition[];
  readonly expiration?: Duration;
  readonly noncurrentVersionExpiration: Duration;
}

/** The archive bucket: encrypted, versioned, retained, moving down the storage tiers. */
export function archiveBucket(scope: Construct, key: kms.IKey, accessLogs: s3.IBucket, lifecycle: ArchiveLifecycle): s3.Bucket {
  const bucket = new s3.Bucket(scope, 'Archive', {
    ...dataBucketProps(key),
    lifecycleRules: [{
      id: 'archive-tiers',
      transitions: lifecycle.transitions,
      expiration: lifecycle.expiration,
      noncurrentVersionExpiration: lifecycle.noncurrentVersionExpiration,
      abortIncompleteMultipartUploadAfter: Duration.days(7),
    }],
  });
  logAccessTo(bucket, accessLogs, 'archive/');
  enableEventBridge(bucket);
  return bucket;
}

/** The bucket of Athena query results, which expire. */
export function queryResultsBucket(scope: Construct, key: kms.IKey, accessLogs: s3.IBucket, expiration: Duration): s3.Bucket {
  const bucket = new s3.Bucket(scope, 'QueryResults', {
    ...dataBucketProps(key),
    lifecycleRules: [{
      id: 'expire-query-results',
      expiration,
      noncurrentVersionExpiration: Duration.days(1),
      abortIncompleteMultipartUploadAfter: Duration.days(1),
    }],
  });
  logAccessTo(bucket, accessLogs, 'query-results/');
  enableEventBridge(bucket);
  return bucket;
}
