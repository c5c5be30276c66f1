import { Aws, Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { Compliance } from '../compliance';
import { RecoveryBucket, ReplicationDestination } from './recovery-bucket';
import { accessLogBucket, acknowledgeNoObjectLock, dataBucketProps, enableEventBridge, logAccessTo } from '../private/buckets';
import { secureKey } from '../private/kms-key';
import { nagResourceText } from '../private/nag-id';
import { ACCOUNT_ID, ARN, BUCKET_NAME, described, known, REGION, Validation } from '../private/validation';
import { encryptWithAlias, SiteOrigin } from '../site/private/site-origin';


/** Properties of a `ReplicatedBucket`. */
export interface ReplicatedBucketProps {
  /**
   * The destination created by the recovery stack of the same app. The primary stack then
   * deploys after the recovery stack. Give this or `destination`.
   *
   * @default - none; `destination` is used
   */
  readonly recoveryBucket?: RecoveryBucket;

  /**
   * A destination outside this app (another account, or a bucket you manage). It must be versioned;
   * in another account its bucket policy must admit `replicationRole`. Give this or `recoveryBucket`.
   *
   * @default - none; `recoveryBucket` is used
   */
  readonly destination?: ReplicationDestination;

  /**
   * S3 Replication Time Control: 99.99% of objects replicated within 15 minutes, backed by an SLA,
   * with replication metrics and events. Costs extra per GB.
   *
   * @default false
   */
  readonly replicationTimeControl?: boolean;

  /**
   * Replication metrics in CloudWatch (bytes and operations pending, replication latency).
   * Always on with `replicationTimeControl`.
   *
   * @default - on when `replicationTimeControl` is on, off otherwise
   */
  readonly replicationMetrics?: boolean;

  /**
   * Replicate delete markers, so that an object deleted in the primary looks deleted in the
   * recovery copy too. Off by default: a deletion (or a compromised client) in the primary region
   * never hides data in the recovery region. Deletions of versions are never replicated.
   *
   * @default false
   */
  readonly deleteMarkerReplication?: boolean;

  /**
   * The storage class of the replicas.
   *
   * @default - the storage class of the source object
   */
  readonly replicaStorageClass?: s3.StorageClass;

  /**
   * The KMS key encrypting the source objects.
   *
   * @default - a new key with yearly rotation
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Where the source bucket's server access logs go.
   *
   * @default - a new log bucket
   */
  readonly serverAccessLogsBucket?: s3.IBucket;
}

/**
 * An S3 bucket in the primary region whose objects are replicated to a bucket in a recovery region:
 * versioned on both sides, KMS-encrypted on both sides with each region's own key, replicated by a
 * role that may do nothing else, with optional Replication Time Control and metrics.
 *
 * This is the explicit two-stack pattern: a `RecoveryBucket` in a stack of the recovery region, this
 * construct in a stack of the primary region. The primary stack only holds strings naming the
 * recovery bucket and key (no cross-region references and no custom resources), so the recovery
 * stack deploys and updates on its own while the primary region is down.
 *
 * @exampleMetadata fixture=construct
 * @example
 * import { RecoveryBucket, ReplicatedBucket } from 'cdk-rampart';
 *
 * const recovery = new Stack(app, 'Recovery', { env: { region: 'eu-central-1' } });
 * const primary = new Stack(app, 'Primary', { env: { region: 'eu-west-1' } });
 * const replica = new RecoveryBucket(recovery, 'Images');
 * new ReplicatedBucket(primary, 'Images', { recoveryBucket: replica });
 */
export class ReplicatedBucket extends Construct {
  /** The source bucket. */
  public readonly bucket: s3.Bucket;
  /** The key encrypting the source objects. */
  public readonly encryptionKey: kms.IKey;
  /** The role S3 assumes to replicate. */
  public readonly replicationRole: iam.Role;
  /** Where objects are replicated. */
  public readonly destination: ReplicationDestination;
  private distributionOriginMade = false;

  constructor(scope: Construct, id: string, props: ReplicatedBucketProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const destination = props.recoveryBucket?.replicationDestination ?? props.destination;
    const replicationTimeControl = props.replicationTimeControl ?? false;
    const replicationMetrics = props.replicationMetrics ?? replicationTimeControl;
    const deleteMarkerReplication = props.deleteMarkerReplication ?? false;

    const v = new Validation('ReplicatedBucket', this);
    validate(v, this, props, destination, replicationTimeControl);
    v.throwIfInvalid();
    this.destination = destination!;
    const crossAccount = destination!.account !== undefined && !Token.isUnresolved(destination!.account)
      && !Token.isUnresolved(stack.account) && destination!.account !== stack.account;

    if (props.recoveryBucket) stack.addStackDependency(Stack.of(props.recoveryBucket));

    this.encryptionKey = props.encryptionKey ?? secureKey(this, 'Key', { description: `Encrypts the objects of ${this.node.path}` });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...dataBucketProps(this.encryptionKey),
      lifecycleRules: [{ id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) }],
    });
    logAccessTo(this.bucket, props.serverAccessLogsBucket ?? accessLogBucket(this, 'AccessLogs'), 'source/');
    enableEventBridge(this.bucket);
    acknowledgeNoObjectLock(this.bucket);

    const destinationArn = `arn:${Aws.PARTITION}:s3:::${destination!.bucketName}`;
    this.replicationRole = new iam.Role(this, 'ReplicationRole', {
      assumedBy: new iam.ServicePrincipal('s3.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: `S3 replication of ${this.node.path} to ${destination!.region}`,
    });
    const policy = new iam.ManagedPolicy(this, 'ReplicationPolicy', {
      description: `S3 replication of ${this.node.path}: read the source versions, write the replicas`,
      roles: [this.replicationRole],
      statements: [
        new iam.PolicyStatement({
          actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
          resources: [this.bucket.bucketArn],
        }),
        new iam.PolicyStatement({
          actions: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
          resources: [this.bucket.arnForObjects('*')],
        }),
        new iam.PolicyStatement({
          actions: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags', ...(crossAccount ? ['s3:ObjectOwnerOverrideToBucketOwner'] : [])],
          resources: [`${destinationArn}/*`],
        }),
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [this.encryptionKey.keyArn],
          conditions: {
            StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` },
            ArnLike: { 'kms:EncryptionContext:aws:s3:arn': [this.bucket.bucketArn, this.bucket.arnForObjects('*')] },
          },
        }),
        ...(destination!.kmsKeyArn ? [replicaKeyStatement(destination!, destinationArn)] : []),
      ],
    });
    const wildcardReason = 'S3 replication copies every object of the bucket, so its object-level actions need <bucket>/* on the source and the destination; '
      + 'the replica key is matched by its alias (kms:ResourceAliases) because the primary stack cannot reference the key in the recovery region, which needs key/* there. '
      + 'Every statement is limited to these two buckets, and the KMS ones to S3 (kms:ViaService) and their encryption context.';
    for (const statement of policy.document.toJSON()?.Statement ?? []) {
      for (const resource of [statement.Resource].flat()) {
        const text = nagResourceText(this, resource);
        if (text.endsWith('*')) Compliance.acknowledge(policy, `AwsSolutions-IAM5[Resource::${text}]`, wildcardReason);
      }
    }

    const cfn = this.bucket.node.defaultChild as s3.CfnBucket;
    cfn.replicationConfiguration = {
      role: this.replicationRole.roleArn,
      rules: [{
        id: 'disaster-recovery',
        status: 'Enabled',
        priority: 0,
        filter: { prefix: '' },
        deleteMarkerReplication: { status: deleteMarkerReplication ? 'Enabled' : 'Disabled' },
        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: 'Enabled' } },
        destination: {
          bucket: destinationArn,
          account: crossAccount ? destination!.account : undefined,
          accessControlTranslation: crossAccount ? { owner: 'Destination' } : undefined,
          storageClass: props.replicaStorageClass?.value,
          encryptionConfiguration: destination!.kmsKeyArn ? { replicaKmsKeyId: destination!.kmsKeyArn } : undefined,
          replicationTime: replicationTimeControl ? { status: 'Enabled', time: { minutes: 15 } } : undefined,
          metrics: replicationMetrics
            ? { status: 'Enabled', eventThreshold: replicationTimeControl ? { minutes: 15 } : undefined }
            : undefined,
        },
      }],
    };
  }

  /**
   * The bucket as the Origin Access Control origin of one CloudFront distribution: the bucket policy
   * and the key policy let CloudFront read and decrypt for that distribution only.
   * (`S3BucketOrigin.withOriginAccessControl` lets every distribution of the account decrypt, since
   * a key policy naming the distribution closes the cycle key → distribution → bucket → key.) The
   * bucket's default encryption then names the key by an alias, taking the bucket's edge out of
   * the cycle; stacks that write objects deploy after this one. Use it for one distribution, in
   * this construct's stack, with the key this construct made.
   */
  public distributionOrigin(): cloudfront.IOrigin {
    const v = new Validation('ReplicatedBucket', this, 'distributionOrigin');
    if (!(this.encryptionKey instanceof kms.Key) || this.encryptionKey.node.scope !== this) {
      v.fail('encryptionKey', described('a key given in the props'), 'the key ReplicatedBucket made (leave encryptionKey unset)', 'cannot be named by an alias of this stack');
    }
    if (this.distributionOriginMade) {
      v.fail('distributionOrigin', described('called twice'), 'one distribution per bucket (its key policy names one)');
    }
    v.throwIfInvalid();
    this.distributionOriginMade = true;
    encryptWithAlias(this.bucket, this.encryptionKey as kms.Key);
    return new SiteOrigin(this.bucket, this.encryptionKey);
  }
}

/** Encrypting replicas with the destination key, named by key ARN or by alias ARN. */
function replicaKeyStatement(destination: ReplicationDestination, destinationArn: string): iam.PolicyStatement {
  const keyArn = destination.kmsKeyArn!;
  const conditions = {
    StringEquals: { 'kms:ViaService': `s3.${destination.region}.amazonaws.com` },
    ArnLike: { 'kms:EncryptionContext:aws:s3:arn': [destinationArn, `${destinationArn}/*`] },
  };
  const actions = ['kms:Encrypt', 'kms:GenerateDataKey'];
  // The alias name is literal even when partition and account are tokens.
  const alias = /:alias\/([A-Za-z0-9/_-]+)$/.exec(keyArn)?.[1];
  if (!alias) return new iam.PolicyStatement({ actions, resources: [keyArn], conditions });
  // IAM authorizes against the key, not the alias: any key of that region, as long as it carries the alias.
  return new iam.PolicyStatement({
    actions,
    resources: [`arn:${Aws.PARTITION}:kms:${destination.region}:${destination.account ?? Aws.ACCOUNT_ID}:key/*`],
    conditions: { ...conditions, 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': `alias/${alias}` } },
  });
}

function validate(
  v: Validation,
  scope: Construct,
  props: ReplicatedBucketProps,
  destination: ReplicationDestination | undefined,
  replicationTimeControl: boolean,
): void {
  const stack = Stack.of(scope);
  if (props.recoveryBucket && props.destination) {
    v.fail('recoveryBucket, destination', described('both given'), 'exactly one of them');
  } else if (!destination) {
    v.fail('recoveryBucket, destination', described('neither given'), 'a RecoveryBucket of this app, or a ReplicationDestination');
  }
  if (destination) {
    const prop = props.recoveryBucket ? 'recoveryBucket' : 'destination';
    if (!known(destination.region) || !REGION.test(destination.region)) {
      v.fail(`${prop}.region`, destination.region, "a region name known at synth time, e.g. 'eu-central-1'");
    } else if (known(stack.region) && stack.region === destination.region) {
      v.fail(`${prop}.region`, destination.region, 'another region (a copy in the same region does not survive a region loss)', "is the primary stack's region");
    }
    if (destination.account !== undefined && known(destination.account) && !ACCOUNT_ID.test(destination.account)) {
      v.fail(`${prop}.account`, destination.account, 'a 12-digit account id');
    } else if (props.destination?.account !== undefined && !known(stack.account)) {
      v.fail('destination.account', props.destination.account, 'an explicit env.account on the primary stack for cross-account replication', 'but the primary stack has no env.account');
    }
    v.check(`${prop}.bucketName`, destination.bucketName, BUCKET_NAME.test(destination.bucketName) && !destination.bucketName.includes('..'),
      '3-63 lowercase letters, digits, dots and hyphens');
    if (v.arn(`${prop}.kmsKeyArn`, destination.kmsKeyArn, 'kms', 'arn:aws:kms:eu-central-1:111111111111:alias/replicas', /^(key|alias)\/.+$/)
      && destination.kmsKeyArn !== undefined && known(destination.kmsKeyArn) && known(destination.region)) {
      const keyRegion = ARN.exec(destination.kmsKeyArn)![3];
      v.check(`${prop}.kmsKeyArn`, destination.kmsKeyArn, keyRegion === destination.region,
        `a KMS key ARN or alias ARN in the destination region ${destination.region}`, `is in ${keyRegion}`);
    }
  }
  if (props.replicationMetrics === false && replicationTimeControl) {
    v.fail('replicationMetrics', false, 'true (S3 requires metrics with Replication Time Control)', 'with replicationTimeControl on');
  }
}
