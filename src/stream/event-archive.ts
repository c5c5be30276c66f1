import { Aws, Duration, RemovalPolicy, Size, Stack, Token } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ArchiveFormat, EventColumn } from './event-column';
import { acknowledgeArchiveFindings } from './private/acknowledgements';
import { archiveBucket, queryResultsBucket } from './private/archive-buckets';
import { resolveArchiveProps, validateEventArchiveProps } from './private/archive-validation';
import { validateNamedQuery, workGroupConfiguration } from './private/athena';
import { s3Delivery } from './private/delivery';
import { eventsTableInput } from './private/table-input';
import { accessLogBucket } from '../private/buckets';
import { secureKey } from '../private/kms-key';
import { ManagedPolicyRole } from '../private/managed-policy-role';


/** Properties of an `EventArchive`. */
export interface EventArchiveProps {
  /** The columns of the events table (the fields of each JSON record). The date partitions `year`, `month`, `day` are added. */
  readonly columns: EventColumn[];

  /**
   * An existing stream to archive instead of a new one. It must allow this construct's Firehose
   * role to read it (granted here) and, when encrypted, to decrypt with its key.
   *
   * @default - a new KMS-encrypted stream
   */
  readonly stream?: kinesis.IStream;

  /**
   * The capacity mode of the new stream.
   *
   * @default kinesis.StreamMode.ON_DEMAND
   */
  readonly streamMode?: kinesis.StreamMode;

  /**
   * The number of shards of a PROVISIONED stream (1 MB/s or 1,000 records/s of writes each).
   *
   * @default 1 when `streamMode` is PROVISIONED
   */
  readonly shardCount?: number;

  /**
   * How long the stream keeps records: 24 hours to 365 days. Firehose reads continuously, so a
   * longer retention only matters for replaying or for other consumers.
   *
   * @default Duration.hours(24)
   */
  readonly retentionPeriod?: Duration;

  /**
   * The stored format.
   *
   * @default ArchiveFormat.JSON_GZIP
   */
  readonly format?: ArchiveFormat;

  /**
   * How long Firehose buffers before writing an object: 0 to 900 seconds.
   *
   * @default Duration.minutes(5)
   */
  readonly bufferingInterval?: Duration;

  /**
   * How much Firehose buffers before writing an object: 1 to 128 MiB (64 to 128 MiB for Parquet).
   *
   * @default Size.mebibytes(128)
   */
  readonly bufferingSize?: Size;

  /**
   * The key prefix of the archived events; the date partitions follow it. Ends with `/`.
   *
   * @default 'events/'
   */
  readonly dataPrefix?: string;

  /**
   * The storage tiers the archive moves through, in order, each after a number of days
   * (`transitionAfter`). Allowed storage classes: INFREQUENT_ACCESS (at least 30 days),
   * GLACIER_INSTANT_RETRIEVAL, GLACIER, DEEP_ARCHIVE; a tier following INFREQUENT_ACCESS comes at
   * least 30 days after it. Pass `[]` to keep everything in S3 Standard.
   *
   * @default - Standard-IA after 30 days, Glacier Flexible Retrieval after 90, Deep Archive after 180
   */
  readonly transitions?: s3.Transition[];

  /**
   * Delete archived events this long after they were written; after the last tier.
   *
   * @default - events are kept forever
   */
  readonly expiration?: Duration;

  /**
   * Delete overwritten or deleted object versions this long after they stopped being current.
   *
   * @default Duration.days(90)
   */
  readonly noncurrentVersionExpiration?: Duration;

  /**
   * Where the S3 server access logs of the archive and results buckets go.
   *
   * @default - a new log bucket (SSE-S3, versioned, logs expire after a year)
   */
  readonly serverAccessLogsBucket?: s3.IBucket;

  /**
   * The Glue database name: lowercase letters, digits and `_`, at most 255 characters.
   *
   * @default - derived from the construct path
   */
  readonly databaseName?: string;

  /**
   * The Glue table name: lowercase letters, digits and `_`, at most 255 characters.
   *
   * @default 'events'
   */
  readonly tableName?: string;

  /**
   * The first year the `year` partition projection covers (it runs to 2099). Queries for years
   * before it find nothing.
   *
   * @default 2025
   */
  readonly firstYear?: number;

  /**
   * The Athena workgroup name: letters, digits, `.`, `_`, `-`, at most 128 characters.
   *
   * @default - derived from the construct path
   */
  readonly workGroupName?: string;

  /**
   * The most a query may scan before Athena cancels it, in bytes; at least 10,000,000 (10 MB).
   *
   * @default 10 GiB (10,737,418,240 bytes), about USD 0.05 per query at USD 5/TB
   */
  readonly bytesScannedCutoffPerQuery?: number;

  /**
   * How long Athena query results are kept; at least one day.
   *
   * @default Duration.days(30)
   */
  readonly queryResultsExpiration?: Duration;

  /**
   * The Athena engine version.
   *
   * @default 'Athena engine version 3'
   */
  readonly engineVersion?: string;

  /**
   * How long Firehose delivery-error logs are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The stream-to-archive path for events: producers write to a KMS-encrypted Kinesis Data Stream;
 * Firehose delivers the records to an encrypted, versioned S3 archive partitioned by date
 * (`year=/month=/day=`, GZIP JSON or Parquet) whose objects move to Standard-IA, Glacier and Deep
 * Archive; a Glue table with partition projection describes them and an Athena workgroup
 * (enforced settings, encrypted results, a per-query scan limit) queries them. No crawler, no
 * Lambda function.
 *
 * @exampleMetadata fixture=construct
 * @example
 * import { EventArchive } from 'cdk-rampart';
 *
 * const archive = new EventArchive(this, 'Events', {
 *   columns: [
 *     { name: 'event_id', dataType: 'string' },
 *     { name: 'type', dataType: 'string' },
 *     { name: 'occurred_at', dataType: 'timestamp' },
 *   ],
 * });
 * archive.grantWrite(producer);
 * archive.addNamedQuery('events-by-type', 'SELECT type, count(*) FROM events WHERE year = 2026 GROUP BY type');
 */
export class EventArchive extends Construct {
  /** The stream producers write to. */
  public readonly stream: kinesis.IStream;
  /** The Firehose delivery stream from the stream to the archive bucket. */
  public readonly deliveryStream: firehose.DeliveryStream;
  /** The role Firehose reads the stream and writes the archive with. */
  public readonly deliveryRole: iam.Role;
  /** The archive bucket. */
  public readonly bucket: s3.Bucket;
  /** The bucket holding Athena query results, which expire. */
  public readonly resultsBucket: s3.Bucket;
  /** Where the server access logs of both buckets go. */
  public readonly accessLogsBucket: s3.IBucket;
  /** The key encrypting the stream, the archive, the query results and the delivery logs. */
  public readonly encryptionKey: kms.Key;
  /** The log group of Firehose delivery errors. */
  public readonly logGroup: logs.LogGroup;
  /** The Glue database. */
  public readonly database: glue.CfnDatabase;
  /** The Glue table describing the archived events. */
  public readonly table: glue.CfnTable;
  /** The Athena workgroup. */
  public readonly workGroup: athena.CfnWorkGroup;
  /** The Glue database name. */
  public readonly databaseName: string;
  /** The Glue table name. */
  public readonly tableName: string;
  /** The Athena workgroup name. */
  public readonly workGroupName: string;

  private readonly namedQueries = new Map<string, athena.CfnNamedQuery>();

  constructor(scope: Construct, id: string, props: EventArchiveProps) {
    super(scope, id);
    const r = resolveArchiveProps(this, props);
    validateEventArchiveProps(props, r);
    const { parquet, streamMode, dataPrefix } = r;
    this.databaseName = r.databaseName;
    this.tableName = r.tableName;
    this.workGroupName = r.workGroupName;

    this.encryptionKey = secureKey(this, 'Key', { description: `Encrypts the event stream, archive, query results and delivery logs of ${this.node.path}`, forLogs: true });

    this.stream = props.stream ?? new kinesis.Stream(this, 'Stream', {
      streamMode,
      shardCount: streamMode === kinesis.StreamMode.PROVISIONED ? props.shardCount ?? 1 : undefined,
      retentionPeriod: r.retentionPeriod,
      encryption: kinesis.StreamEncryption.KMS,
      encryptionKey: this.encryptionKey,
    });
    if (props.stream === undefined) (this.stream as kinesis.Stream).applyRemovalPolicy(RemovalPolicy.RETAIN);

    this.accessLogsBucket = props.serverAccessLogsBucket ?? accessLogBucket(this, 'AccessLogs');
    this.bucket = archiveBucket(this, this.encryptionKey, this.accessLogsBucket, r);
    this.resultsBucket = queryResultsBucket(this, this.encryptionKey, this.accessLogsBucket, r.resultsExpiration);

    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: { name: this.databaseName, description: `Events archived by ${this.node.path}` },
    });
    this.table = new glue.CfnTable(this, 'Table', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: this.databaseName,
      tableInput: eventsTableInput({ ...r, bucketName: this.bucket.bucketName, columns: props.columns, archivedBy: this.node.path }),
    });
    this.table.addResourceDependency(this.database);

    this.logGroup = new logs.LogGroup(this, 'DeliveryLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: this.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Grants go to a managed policy, not an inline one (IAMNoInlinePolicy).
    this.deliveryRole = new ManagedPolicyRole(this, 'DeliveryRole', {
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com').withConditions({ StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } }),
      description: `Firehose of ${this.node.path}: reads the event stream, writes the archive`,
    });
    this.deliveryStream = s3Delivery(this, 'Delivery', {
      stream: this.stream,
      bucket: this.bucket,
      role: this.deliveryRole,
      table: this.table,
      encryptionKey: this.encryptionKey,
      logGroup: this.logGroup,
      dataPrefix,
      bufferingInterval: r.bufferingInterval,
      bufferingSize: r.bufferingSize,
      parquet,
    });

    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroupName,
      description: `Queries over the events archived by ${this.node.path}`,
      state: 'ENABLED',
      workGroupConfiguration: workGroupConfiguration({
        ...r,
        resultsBucketName: this.resultsBucket.bucketName,
        encryptionKeyArn: this.encryptionKey.keyArn,
      }),
    });

    acknowledgeArchiveFindings(this, parquet);
  }

  /** Let `grantee` put records on the stream (and encrypt with its key). */
  public grantWrite(grantee: iam.IGrantable): iam.Grant {
    return this.stream.grantWrite(grantee);
  }

  /**
   * Let `grantee` run queries in the workgroup: Athena on the workgroup, Glue reads of the
   * database and table, S3 reads of the archive, S3 read/write of the results, and the key.
   */
  public grantQuery(grantee: iam.IGrantable): iam.Grant {
    const stack = Stack.of(this);
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: [
        'athena:StartQueryExecution', 'athena:StopQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults',
        'athena:GetQueryResultsStream', 'athena:GetWorkGroup', 'athena:GetNamedQuery', 'athena:ListNamedQueries', 'athena:BatchGetNamedQuery',
      ],
      resourceArns: [stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workGroupName })],
    });
    grant.combine(iam.Grant.addToPrincipal({
      grantee,
      actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions'],
      resourceArns: [
        stack.formatArn({ service: 'glue', resource: 'catalog' }),
        stack.formatArn({ service: 'glue', resource: 'database', resourceName: this.databaseName }),
        stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${this.databaseName}/${this.tableName}` }),
      ],
    }));
    grant.combine(this.bucket.grantRead(grantee));
    grant.combine(this.resultsBucket.grantReadWrite(grantee));
    return grant;
  }

  /**
   * Save a named query in the workgroup, run against the events database.
   *
   * @param name the query's name, unique in this archive (1-128 characters)
   * @param sql the SQL text (1-262,144 characters)
   * @param description what the query answers (at most 1,024 characters)
   */
  public addNamedQuery(name: string, sql: string, description?: string): athena.CfnNamedQuery {
    validateNamedQuery(this, name, sql, description, this.namedQueries.has(name));

    const query = new athena.CfnNamedQuery(this, `Query${this.namedQueries.size}${Token.isUnresolved(name) ? '' : name.replace(/[^A-Za-z0-9]/g, '')}`, {
      name,
      queryString: sql,
      description,
      database: this.databaseName,
      workGroup: this.workGroup.ref,
    });
    query.addResourceDependency(this.database);
    this.namedQueries.set(name, query);
    return query;
  }
}
