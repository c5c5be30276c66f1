import { IConstruct } from 'constructs';
import { Compliance, RuleFamily } from '../../compliance';
import { acknowledgeNoObjectLock } from '../../private/buckets';
import { ManagedPolicyRole } from '../../private/managed-policy-role';
import { nagResourceText } from '../../private/nag-id';
import type { EventArchive } from '../event-archive';

/** The findings an archive's own resources cannot avoid, each on the resource that holds it. */
export function acknowledgeArchiveFindings(archive: EventArchive, parquet: boolean): void {
  const buckets: Array<[IConstruct, string]> = [
    [archive.bucket, 'The event archive'],
    [archive.resultsBucket, 'Athena query results, which expire and can be re-run from the archive,'],
  ];
  for (const [bucket, what] of buckets) {
    Compliance.acknowledgeFamily(bucket, RuleFamily.S3_REPLICATION, `${what} stays in this region: it is versioned, KMS-encrypted and retained; cross-region copies are the DR constructs' job (ReplicatedBucket) where the recovery objective needs them.`);
  }
  acknowledgeNoObjectLock(archive.bucket);
  Compliance.acknowledge(archive.resultsBucket, 's3_bucket_object_lock_enabled_check',
    'Query results are transient by design and expire; Object Lock would keep them past their expiry.');

  // The delivery role's policy: the L2 grants the bucket and the key with object-level wildcards.
  const policy = (archive.deliveryRole as ManagedPolicyRole).grantsPolicy;
  if (policy) {
    const objects = nagResourceText(archive, archive.bucket.arnForObjects('*'));
    Compliance.acknowledge(policy, `AwsSolutions-IAM5[Resource::${objects}]`,
      'Firehose writes objects under date-partitioned keys it generates (year=/month=/day=/...), so the role needs every key of this one archive bucket.');
    for (const action of ['s3:Abort*', 's3:DeleteObject*', 's3:GetBucket*', 's3:GetObject*', 's3:List*', 'kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
      Compliance.acknowledge(policy, `AwsSolutions-IAM5[Action::${action}]`,
        'An action group of the aws-cdk-lib grants (bucket read/write, key encrypt/decrypt) that Firehose needs for multipart uploads and retries; every statement is scoped to this archive bucket or this key.');
    }
    if (parquet) {
      Compliance.acknowledge(policy, 'AwsSolutions-IAM5[Resource::*]',
        'Only glue:GetSchemaVersion, read-only, on *: the permission the Firehose record-format-conversion role documentation prescribes and aws-cdk-lib grants with the Glue table schema; table reads are scoped to this catalog, database and table.');
    }
  }

  const stream = archive.stream.node.defaultChild;
  if (stream && archive.stream.node.scope === archive) {
    Compliance.acknowledge(stream, 'AwsSolutions-KDS3',
      'The stream is encrypted with this archive\'s customer managed key instead of aws/kinesis: its key policy allows grants only to AWS services (Control Tower CT.KMS.PR.3), it rotates yearly, and the same key covers the archive, results and logs.');
  }
  Compliance.acknowledge(archive.deliveryStream.node.defaultChild!, 'AwsSolutions-KDF1',
    'Firehose server-side encryption applies only to Direct PUT; with a Kinesis stream as source, Firehose keeps no data at rest of its own: the records stay in the KMS-encrypted stream and land in the KMS-encrypted archive (the S3 destination uses the same key).');
}
