import { Aws, Duration, Fn, Names, Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { Compliance, RuleFamily } from '../compliance';
import { accessLogBucket, acknowledgeNoObjectLock, dataBucketProps, enableEventBridge, logAccessTo } from '../private/buckets';
import { secureKey } from '../private/kms-key';
import { BUCKET_NAME, known, Validation } from '../private/validation';

/**
 * Where a `ReplicatedBucket` copies its objects: plain strings, so that the primary stack never
 * references a resource of the recovery stack (no cross-region references, no custom resources).
 */
export interface ReplicationDestination {
  /** The destination bucket's name. */
  readonly bucketName: string;
  /** The destination bucket's region, e.g. `eu-central-1`. */
  readonly region: string;
  /**
   * The account that owns the destination bucket.
   *
   * @default - the primary stack's account
   */
  readonly account?: string;
  /**
   * The ARN of the KMS key (or of its alias) that encrypts the replicas in the destination region.
   *
   * @default - replicas are encrypted with the destination bucket's default encryption
   */
  readonly kmsKeyArn?: string;
}

/** Properties of a `RecoveryBucket`. */
export interface RecoveryBucketProps {
  /**
   * The bucket name.
   *
   * @default - `<prefix>-<hash>-<account>-<region>`, known at synth time in both stacks
   */
  readonly bucketName?: string;

  /**
   * Where the bucket's server access logs go.
   *
   * @default - a new log bucket in the recovery stack
   */
  readonly serverAccessLogsBucket?: s3.IBucket;
}

/**
 * The destination of a `ReplicatedBucket`, created by the stack of the recovery region: versioned,
 * encrypted with a KMS key of that region (reached through a fixed alias), TLS only, private and
 * retained. Pass it to `ReplicatedBucket` in the primary stack, or pass its
 * `replicationDestination` across apps.
 *
 * The recovery stack needs an explicit `env.region`; the account may stay unresolved.
 */
export class RecoveryBucket extends Construct {
  /** The replica bucket. */
  public readonly bucket: s3.Bucket;
  /** The key encrypting the replicas. */
  public readonly encryptionKey: kms.Key;
  /** The alias through which the primary region names the key. */
  public readonly keyAlias: kms.Alias;
  /** Where to replicate: the strings a `ReplicatedBucket` needs. */
  public readonly replicationDestination: ReplicationDestination;

  constructor(scope: Construct, id: string, props: RecoveryBucketProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const hash = Names.uniqueId(this).slice(-8).toLowerCase();
    const bucketName = props.bucketName ?? Fn.join('-', ['rampart-dr', hash, Aws.ACCOUNT_ID, stack.region]);
    const aliasName = `alias/rampart-dr/${Names.uniqueResourceName(this, { maxLength: 200 })}`;

    const v = new Validation('RecoveryBucket', this);
    if (!known(stack.region)) {
      v.fail('stack', stack, 'a recovery stack with an explicit env.region (its region is written into the primary stack)', 'has no region');
    }
    if (props.bucketName !== undefined) {
      v.check('bucketName', props.bucketName, BUCKET_NAME.test(props.bucketName) && !props.bucketName.includes('..'), '3-63 lowercase letters, digits, dots and hyphens');
    }
    v.throwIfInvalid();

    this.encryptionKey = secureKey(this, 'Key', { description: `Encrypts the disaster-recovery replicas of ${this.node.path}` });
    this.keyAlias = this.encryptionKey.addAlias(aliasName);

    const logs = props.serverAccessLogsBucket ?? accessLogBucket(this, 'AccessLogs');
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...dataBucketProps(this.encryptionKey),
      bucketName,
      lifecycleRules: [{ id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) }],
    });
    logAccessTo(this.bucket, logs, 'replica/');
    enableEventBridge(this.bucket);
    acknowledgeNoObjectLock(this.bucket);
    const replicaAck = 'This bucket is the disaster-recovery replica; replicating it again would copy the copy. Its source bucket replicates into it.';
    Compliance.acknowledgeFamily(this.bucket, RuleFamily.S3_REPLICATION, replicaAck);

    this.replicationDestination = {
      bucketName,
      region: stack.region,
      account: Token.isUnresolved(stack.account) ? undefined : stack.account,
      // An alias ARN names the key without a reference to this stack; same-account replication
      // resolves it in the bucket owner's account.
      kmsKeyArn: stack.formatArn({ service: 'kms', resource: aliasName }),
    };
  }
}
