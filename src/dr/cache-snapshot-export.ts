import { ArnFormat, Aws, Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { RecoveryBucket, ReplicationDestination } from './recovery-bucket';
import { ReplicatedBucket } from './replicated-bucket';
import { RedisCache } from '../cache';
import { Compliance } from '../compliance';
import { WorkQueue } from '../messaging';
import { allowCloudWatchLogs } from '../private/kms-key';
import { ManagedPolicyRole } from '../private/managed-policy-role';
import { nagResourceText } from '../private/nag-id';
import { Validation } from '../private/validation';

/** Properties of a `CacheSnapshotExport`. */
export interface CacheSnapshotExportProps {
  /** The cache whose data is exported. */
  readonly cache: RedisCache;

  /**
   * The recovery region's bucket the exports replicate to (a `RecoveryBucket` of the recovery stack).
   * Give this or `destination`.
   *
   * @default - `destination`
   */
  readonly recoveryBucket?: RecoveryBucket;

  /**
   * Where the exports replicate to, as strings (a bucket outside this app). Give this or `recoveryBucket`.
   *
   * @default - `recoveryBucket`
   */
  readonly destination?: ReplicationDestination;

  /**
   * Time between two exports (whole hours, 1 to 24): the cache's recovery point objective.
   *
   * @default Duration.hours(6)
   */
  readonly interval?: Duration;

  /**
   * Days an export is kept in the primary region's bucket (the recovery bucket keeps its replicas
   * by its own lifecycle).
   *
   * @default 7
   */
  readonly retentionDays?: number;

  /**
   * Replicate the exports under S3 Replication Time Control (15 minutes for 99.99% of objects).
   *
   * @default false
   */
  readonly replicationTimeControl?: boolean;

  /**
   * How long the export job's execution logs are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

const DEFAULT_INTERVAL_HOURS = 6;
const DEFAULT_RETENTION_DAYS = 7;
const POLL = Duration.minutes(1);

/**
 * Cross-region backups of a `RedisCache` (Valkey or Redis OSS): on a schedule, a Step Functions
 * job takes a manual snapshot, exports it to an S3 bucket of the cache's region (ElastiCache
 * exports only to a bucket in the snapshot's region), waits for the export and deletes the
 * snapshot. The bucket is a `ReplicatedBucket`, so each export's `.rdb` file replicates to the
 * recovery region, where a new cluster is seeded from it (`CfnReplicationGroup.snapshotArns`).
 *
 * The job calls ElastiCache through Step Functions' AWS SDK integrations: no function code. Each
 * export is named `<snapshotPrefix>-<execution name>`; ElastiCache writes it as `.rdb` objects
 * whose names start with that name.
 *
 * Global Datastore is the other way to a second region (seconds of lag, a promoted secondary), at
 * the price of a running cluster of the same size there, on node types `large` and above only.
 */
export class CacheSnapshotExport extends Construct {
  /** The service principal of ElastiCache's snapshot export and seeding in a region. */
  public static servicePrincipal(region: string): iam.ServicePrincipal {
    return new iam.ServicePrincipal(`${region}.elasticache-snapshot.amazonaws.com`);
  }

  /**
   * Let ElastiCache of the bucket's region read the exports in a recovery bucket, to seed a new
   * cluster from one (what a failover does). Call it in the recovery stack.
   */
  public static allowSeedingFrom(recoveryBucket: RecoveryBucket): void {
    const stack = Stack.of(recoveryBucket);
    const principal = CacheSnapshotExport.servicePrincipal(Aws.REGION);
    const condition = { StringEquals: { 'aws:SourceAccount': stack.account } };
    recoveryBucket.bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'ElastiCacheSeedsFromExports',
      principals: [principal],
      actions: ['s3:GetObject', 's3:ListBucket', 's3:GetBucketAcl'],
      resources: [recoveryBucket.bucket.bucketArn, recoveryBucket.bucket.arnForObjects('*')],
      conditions: condition,
    }));
    recoveryBucket.encryptionKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'ElastiCacheSeedsFromExports',
      principals: [principal],
      actions: ['kms:Decrypt', 'kms:DescribeKey'],
      resources: ['*'],
      conditions: condition,
    }));
  }

  /** The primary region's bucket the exports are written to (replicated to the recovery region). */
  public readonly exports: ReplicatedBucket;
  /** The export job. */
  public readonly stateMachine: sfn.StateMachine;
  /** The schedule that starts the job. */
  public readonly schedule: events.Rule;
  /** Where EventBridge keeps the starts it could not deliver (and their dead letters). */
  public readonly undelivered: WorkQueue;
  /** The log group of the job's executions. */
  public readonly logGroup: logs.LogGroup;
  /** What every export's name (and its `.rdb` objects' names) starts with. */
  public readonly snapshotPrefix: string;
  /** Time between two exports. */
  public readonly interval: Duration;

  constructor(scope: Construct, id: string, props: CacheSnapshotExportProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const interval = props.interval ?? Duration.hours(DEFAULT_INTERVAL_HOURS);
    const retentionDays = props.retentionDays ?? DEFAULT_RETENTION_DAYS;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;

    const v = new Validation('CacheSnapshotExport', this);
    if (!props.cache || !(props.cache.replicationGroup instanceof Construct)) v.fail('cache', props.cache, 'a RedisCache');
    if ((props.recoveryBucket === undefined) === (props.destination === undefined)) {
      v.fail('recoveryBucket', props.recoveryBucket === undefined ? 'undefined' : 'a RecoveryBucket',
        'exactly one of recoveryBucket and destination', props.recoveryBucket === undefined ? 'and destination are both missing' : 'and destination are both given');
    }
    if (!Token.isUnresolved(interval.toMilliseconds())) {
      const hours = interval.toHours({ integral: false });
      v.check('interval', interval.toHumanString(), Number.isInteger(hours) && hours >= 1 && hours <= 24, 'whole hours from 1 to 24, e.g. Duration.hours(6)');
    }
    v.integer('retentionDays', retentionDays, 1, 365, 'days');
    v.throwIfInvalid();
    this.interval = interval;

    // Snapshot names: a letter first, letters, digits and single hyphens; the execution name (a UUID) follows.
    this.snapshotPrefix = `rampart-export-${Names.uniqueId(this).slice(-8).toLowerCase()}`;

    this.exports = new ReplicatedBucket(this, 'Exports', {
      recoveryBucket: props.recoveryBucket,
      destination: props.destination,
      replicationTimeControl: props.replicationTimeControl,
    });
    this.exports.bucket.addLifecycleRule({
      id: 'expire-exports',
      expiration: Duration.days(retentionDays),
      noncurrentVersionExpiration: Duration.days(1),
    });
    // ElastiCache writes the export into the bucket as this service principal, encrypting it with
    // the bucket's key; only for this account's snapshots.
    const exporter = CacheSnapshotExport.servicePrincipal(Aws.REGION);
    const fromThisAccount = { StringEquals: { 'aws:SourceAccount': stack.account } };
    this.exports.bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'ElastiCacheExportsSnapshots',
      principals: [exporter],
      actions: ['s3:PutObject', 's3:GetObject', 's3:ListBucket', 's3:GetBucketAcl', 's3:ListMultipartUploadParts', 's3:ListBucketMultipartUploads'],
      resources: [this.exports.bucket.bucketArn, this.exports.bucket.arnForObjects('*')],
      conditions: fromThisAccount,
    }));
    this.exports.encryptionKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'ElastiCacheExportsSnapshots',
      principals: [exporter],
      actions: ['kms:GenerateDataKey*', 'kms:Encrypt', 'kms:Decrypt', 'kms:DescribeKey'],
      resources: ['*'],
      conditions: fromThisAccount,
    }));
    allowCloudWatchLogs(this.exports.encryptionKey);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logRetention,
      encryptionKey: this.exports.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const groupId = props.cache.replicationGroup.ref;
    const elasticache = (resource: string, resourceName: string) =>
      stack.formatArn({ service: 'elasticache', resource, resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const snapshotArn = elasticache('snapshot', `${this.snapshotPrefix}-*`);
    const name = sfn.JsonPath.stringAt('$.snapshot.name');

    const create = new tasks.CallAwsService(this, 'CreateSnapshot', {
      service: 'elasticache',
      action: 'createSnapshot',
      parameters: { ReplicationGroupId: groupId, SnapshotName: sfn.JsonPath.format(`${this.snapshotPrefix}-{}`, sfn.JsonPath.executionName) },
      // A replica's cluster (or the only node's) takes the snapshot; their ids start with the group's.
      iamResources: [elasticache('replicationgroup', groupId), elasticache('cluster', `${groupId}-*`), snapshotArn],
      resultSelector: { name: sfn.JsonPath.stringAt('$.Snapshot.SnapshotName') },
      resultPath: '$.snapshot',
    });
    // The daily automatic snapshot or a maintenance may hold the group for a while.
    create.addRetry({ interval: Duration.minutes(5), maxAttempts: 4, backoffRate: 2 });

    const exportToBucket = new tasks.CallAwsService(this, 'ExportSnapshot', {
      service: 'elasticache',
      action: 'copySnapshot',
      parameters: { SourceSnapshotName: name, TargetSnapshotName: name, TargetBucket: this.exports.bucket.bucketName },
      iamResources: [snapshotArn],
      additionalIamStatements: [new iam.PolicyStatement({ actions: ['s3:GetBucketLocation', 's3:ListAllMyBuckets'], resources: ['*'] })],
      resultPath: sfn.JsonPath.DISCARD,
    });
    const remove = new tasks.CallAwsService(this, 'DeleteSnapshot', {
      service: 'elasticache',
      action: 'deleteSnapshot',
      parameters: { SnapshotName: name },
      iamResources: [snapshotArn],
      resultPath: sfn.JsonPath.DISCARD,
    });
    const failed = new sfn.Fail(this, 'SnapshotFailed', { error: 'SnapshotFailed', cause: 'The snapshot or its export ended in a state other than available' });

    // Creating and exporting both end with the snapshot `available` again.
    const whenAvailable = (step: string, busy: string, next: sfn.IChainable) => {
      const wait = new sfn.Wait(this, `WaitFor${step}`, { time: sfn.WaitTime.duration(POLL) });
      const describe = new tasks.CallAwsService(this, `Describe${step}`, {
        service: 'elasticache',
        action: 'describeSnapshots',
        parameters: { SnapshotName: name },
        // DescribeSnapshots is authorized on no resource narrower than '*'.
        iamResources: ['*'],
        iamAction: 'elasticache:DescribeSnapshots',
        resultSelector: { status: sfn.JsonPath.stringAt('$.Snapshots[0].SnapshotStatus') },
        resultPath: '$.state',
      });
      return wait.next(describe).next(new sfn.Choice(this, `${step}Done`)
        .when(sfn.Condition.stringEquals('$.state.status', 'available'), next)
        .when(sfn.Condition.stringEquals('$.state.status', busy), wait)
        .otherwise(failed));
    };

    const definition = create
      .next(whenAvailable('Snapshot', 'creating', exportToBucket
        .next(whenAvailable('Export', 'exporting', remove))));

    // Grants go to managed policies, not inline ones (IAMNoInlinePolicy).
    const role = new ManagedPolicyRole(this, 'JobRole', {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: `Runs the snapshot export of ${props.cache.node.path}`,
    });
    this.stateMachine = new sfn.StateMachine(this, 'Job', {
      role,
      comment: `Exports snapshots of ${props.cache.node.path} to ${this.exports.node.path} every ${interval.toHumanString()}`,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      timeout: Duration.hours(3),
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    // A KMS-encrypted cache's snapshot is encrypted with its key; ElastiCache uses it through grants.
    props.cache.encryptionKey.grant(this.stateMachine, 'kms:DescribeKey', 'kms:CreateGrant', 'kms:Decrypt', 'kms:GenerateDataKey*');

    // A start EventBridge could not deliver is kept, so a missed export shows.
    this.undelivered = new WorkQueue(this, 'Undelivered', { encryptionKey: this.exports.encryptionKey, retentionPeriod: Duration.days(14) });
    this.exports.encryptionKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'EventBridgeKeepsUndeliveredStarts',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: fromThisAccount,
    }));
    const startRole = new ManagedPolicyRole(this, 'StartRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: `Starts the snapshot export of ${props.cache.node.path}`,
    });
    this.schedule = new events.Rule(this, 'Schedule', {
      description: `Starts the snapshot export of ${props.cache.node.path}`,
      schedule: events.Schedule.rate(interval),
      targets: [new targets.SfnStateMachine(this.stateMachine, { role: startRole, deadLetterQueue: this.undelivered.queue })],
    });

    this.acknowledgeFindings(role);
  }

  /** The wildcards of the job's policy, each acknowledged with why it cannot be narrower. */
  private acknowledgeFindings(role: ManagedPolicyRole): void {
    const policy = role.grantsPolicy;
    if (!policy) return;
    const reason = 'DescribeSnapshots and the export\'s s3:ListAllMyBuckets / s3:GetBucketLocation check are authorized on no resource narrower than *, '
      + 'nor are the CloudWatch Logs delivery and X-Ray actions Step Functions needs; the snapshot actions are limited to this job\'s snapshots '
      + `(${this.snapshotPrefix}-*) and the cache's own clusters (<group>-*), and the cache key's actions to that one key.`;
    const found = new Set<string>();
    for (const statement of policy.document.toJSON()?.Statement ?? []) {
      for (const resource of [statement.Resource].flat()) {
        const text = nagResourceText(this, resource);
        if (text.includes('*')) found.add(`AwsSolutions-IAM5[Resource::${text}]`);
      }
      for (const action of [statement.Action].flat()) {
        if (typeof action === 'string' && action.includes('*')) found.add(`AwsSolutions-IAM5[Action::${action}]`);
      }
    }
    for (const id of found) Compliance.acknowledge(policy, id, reason);
  }
}
