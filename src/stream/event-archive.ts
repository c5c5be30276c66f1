import { Aws, CfnMapping, Duration, Names, RemovalPolicy, Size, SizeRoundingBehavior, Stack, Token } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { Compliance } from '../compliance';
import { glueTypeProblem } from './private/glue-types';
import { accessLogBucket, acknowledgeNoObjectLock, dataBucketProps, enableEventBridge, logAccessTo } from '../private/buckets';
import { secureKey } from '../private/kms-key';
import { ManagedPolicyRole } from '../private/managed-policy-role';
import { acknowledgeEach, nagResourceText, S3_REPLICATION_RULES } from '../private/nag-id';
import { described, Validation } from '../private/validation';

/** How the archive stores events in S3. */
export enum ArchiveFormat {
  /**
   * The records as producers wrote them, one JSON object per line, GZIP-compressed (`.json.gz`).
   * A record that does not match the table still lands in the archive and can be read once the
   * table learns its new columns.
   */
  JSON_GZIP = 'JSON_GZIP',
  /**
   * Converted by Firehose to Snappy-compressed Parquet using the Glue table as the schema: Athena
   * reads only the columns a query names. Records that do not match the schema go to the error
   * prefix instead of the table. Needs a buffer of at least 64 MiB.
   */
  PARQUET = 'PARQUET',
}

/** One column of the events table. */
export interface EventColumn {
  /** The column name: lowercase letters, digits and `_`, starting with a letter or `_`; also the JSON key it reads. */
  readonly name: string;
  /**
   * The Glue (Hive DDL) type, e.g. `string`, `bigint`, `timestamp`, `decimal(10,2)`,
   * `array<string>`, `struct<lat:double,lon:double>`.
   */
  readonly dataType: string;
  /**
   * What the column holds.
   *
   * @default - no comment
   */
  readonly comment?: string;
}

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

const DEFAULT_TRANSITIONS: s3.Transition[] = [
  { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
  { storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(90) },
  { storageClass: s3.StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(180) },
];
// Cheapest-last: a lifecycle only moves objects down this ladder.
const TIER_ORDER = [
  s3.StorageClass.INFREQUENT_ACCESS.value,
  s3.StorageClass.GLACIER_INSTANT_RETRIEVAL.value,
  s3.StorageClass.GLACIER.value,
  s3.StorageClass.DEEP_ARCHIVE.value,
];
const ATHENA_MIN_CUTOFF_BYTES = 10_000_000;
const DEFAULT_CUTOFF_BYTES = 10 * 1024 ** 3;
const PARTITION_KEYS = ['year', 'month', 'day'];
const GLUE_NAME = /^[a-z0-9_]{1,255}$/;
const COLUMN_NAME = /^[a-z_][a-z0-9_]{0,254}$/;
const LAST_YEAR = 2099;
const FIREHOSE_CIDR_MAPPING = 'aws-kinesisfirehose.CidrBlocks';

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
    const format = props.format ?? ArchiveFormat.JSON_GZIP;
    const parquet = format === ArchiveFormat.PARQUET;
    const streamMode = props.streamMode ?? kinesis.StreamMode.ON_DEMAND;
    const retentionPeriod = props.retentionPeriod ?? Duration.hours(24);
    const bufferingInterval = props.bufferingInterval ?? Duration.minutes(5);
    const bufferingSize = props.bufferingSize ?? Size.mebibytes(128);
    const dataPrefix = props.dataPrefix ?? 'events/';
    const transitions = props.transitions ?? DEFAULT_TRANSITIONS;
    const noncurrentVersionExpiration = props.noncurrentVersionExpiration ?? Duration.days(90);
    const firstYear = props.firstYear ?? 2025;
    const cutoff = props.bytesScannedCutoffPerQuery ?? DEFAULT_CUTOFF_BYTES;
    const resultsExpiration = props.queryResultsExpiration ?? Duration.days(30);
    const engineVersion = props.engineVersion ?? 'Athena engine version 3';
    this.databaseName = props.databaseName ?? Names.uniqueResourceName(this, { maxLength: 255, separator: '_' }).toLowerCase();
    this.tableName = props.tableName ?? 'events';
    this.workGroupName = props.workGroupName ?? Names.uniqueResourceName(this, { maxLength: 128, separator: '-' });

    validate(props, {
      parquet,
      streamMode,
      retentionPeriod,
      bufferingInterval,
      bufferingSize,
      dataPrefix,
      transitions,
      firstYear,
      cutoff,
      resultsExpiration,
      databaseName: this.databaseName,
      tableName: this.tableName,
      workGroupName: this.workGroupName,
      path: this.node.path,
    });

    this.encryptionKey = secureKey(this, 'Key', { description: `Encrypts the event stream, archive, query results and delivery logs of ${this.node.path}`, forLogs: true });

    this.stream = props.stream ?? new kinesis.Stream(this, 'Stream', {
      streamMode,
      shardCount: streamMode === kinesis.StreamMode.PROVISIONED ? props.shardCount ?? 1 : undefined,
      retentionPeriod,
      encryption: kinesis.StreamEncryption.KMS,
      encryptionKey: this.encryptionKey,
    });
    if (props.stream === undefined) (this.stream as kinesis.Stream).applyRemovalPolicy(RemovalPolicy.RETAIN);

    this.accessLogsBucket = props.serverAccessLogsBucket ?? accessLogBucket(this, 'AccessLogs');
    this.bucket = this.archiveBucket(transitions, props.expiration, noncurrentVersionExpiration);
    this.resultsBucket = this.queryResultsBucket(resultsExpiration);

    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: { name: this.databaseName, description: `Events archived by ${this.node.path}` },
    });
    this.table = this.eventsTable(props.columns, parquet, dataPrefix, firstYear);

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
    // Timestamp prefixes (Firehose's arrival time, UTC) need no record parsing and no dynamic
    // partitioning charge; they land under the Hive-style keys the table projects.
    const datePartitions = 'year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/';
    const stack = Stack.of(this);
    const firehoseCidrMapping = () => stack.node.children.find((c) => c instanceof CfnMapping && c.node.id.endsWith(FIREHOSE_CIDR_MAPPING));
    const hadCidrMapping = firehoseCidrMapping() !== undefined;
    this.deliveryStream = new firehose.DeliveryStream(this, 'Delivery', {
      source: new firehose.KinesisStreamSource(this.stream),
      role: this.deliveryRole,
      destination: new firehose.S3Bucket(this.bucket, {
        role: this.deliveryRole,
        dataOutputPrefix: `${dataPrefix}${datePartitions}`,
        errorOutputPrefix: `errors/!{firehose:error-output-type}/${datePartitions}`,
        bufferingInterval,
        bufferingSize,
        encryptionKey: this.encryptionKey,
        loggingConfig: new firehose.EnableLogging(this.logGroup),
        ...(parquet ? {
          dataFormatConversion: {
            schemaConfiguration: firehose.SchemaConfiguration.fromCfnTable(this.table),
            inputFormat: firehose.InputFormat.OPENX_JSON,
            outputFormat: firehose.OutputFormat.PARQUET,
          },
        } : {
          compression: firehose.Compression.GZIP,
          fileExtension: '.json.gz',
          // One record per line, whether or not the producer ended it with a newline.
          processors: [new firehose.AppendDelimiterToRecordProcessor()],
        }),
      }),
    });
    this.deliveryStream.node.addDependency(this.table);
    // The L2 adds a stack-wide mapping of Firehose CIDR blocks for `connections` (VPC destinations
    // such as Redshift). An S3 destination never uses it, and in an environment-agnostic stack it is
    // rendered unreferenced (CloudFormation warning W7001). Drop it when this archive added it; a
    // later delivery stream that needs it creates it again.
    const mapping = firehoseCidrMapping();
    if (!hadCidrMapping && mapping) stack.node.tryRemoveChild(mapping.node.id);

    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroupName,
      description: `Queries over the events archived by ${this.node.path}`,
      state: 'ENABLED',
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: cutoff,
        engineVersion: { selectedEngineVersion: engineVersion },
        resultConfiguration: {
          outputLocation: `s3://${this.resultsBucket.bucketName}/results/`,
          expectedBucketOwner: Aws.ACCOUNT_ID,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: this.encryptionKey.keyArn },
        },
      },
    });

    this.acknowledgeFindings(parquet);
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
    const v = new Validation('EventArchive', this, 'arguments of addNamedQuery');
    if (!Token.isUnresolved(name) && (name.length < 1 || name.length > 128)) v.fail('name', described(`'${name}' has ${name.length} characters`), '1-128');
    if (this.namedQueries.has(name)) v.fail('name', described(`'${name}' is already a named query of this archive`), 'a unique name');
    if (!Token.isUnresolved(sql) && (sql.trim().length === 0 || sql.length > 262_144)) v.fail('sql', described(`${sql.length} characters${sql.trim().length === 0 ? ' (blank)' : ''}`), '1-262144 characters of SQL');
    if (description !== undefined && !Token.isUnresolved(description) && description.length > 1024) v.fail('description', described(`${description.length} characters`), 'at most 1024');
    v.throwIfInvalid();

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

  private archiveBucket(transitions: s3.Transition[], expiration: Duration | undefined, noncurrentVersionExpiration: Duration): s3.Bucket {
    const bucket = new s3.Bucket(this, 'Archive', {
      ...dataBucketProps(this.encryptionKey),
      lifecycleRules: [{
        id: 'archive-tiers',
        transitions,
        expiration,
        noncurrentVersionExpiration,
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      }],
    });
    logAccessTo(bucket, this.accessLogsBucket, 'archive/');
    enableEventBridge(bucket);
    return bucket;
  }

  private queryResultsBucket(expiration: Duration): s3.Bucket {
    const bucket = new s3.Bucket(this, 'QueryResults', {
      ...dataBucketProps(this.encryptionKey),
      lifecycleRules: [{
        id: 'expire-query-results',
        expiration,
        noncurrentVersionExpiration: Duration.days(1),
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      }],
    });
    logAccessTo(bucket, this.accessLogsBucket, 'query-results/');
    enableEventBridge(bucket);
    return bucket;
  }

  private eventsTable(columns: EventColumn[], parquet: boolean, dataPrefix: string, firstYear: number): glue.CfnTable {
    const location = `s3://${this.bucket.bucketName}/${dataPrefix}`;
    const table = new glue.CfnTable(this, 'Table', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: this.databaseName,
      tableInput: {
        name: this.tableName,
        description: `Events archived by ${this.node.path}, partitioned by the day Firehose received them (UTC)`,
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: PARTITION_KEYS.map((name) => ({ name, type: 'int' })),
        parameters: {
          'EXTERNAL': 'TRUE',
          'classification': parquet ? 'parquet' : 'json',
          ...(parquet ? {} : { compressionType: 'gzip' }),
          // Partition projection: Athena computes the partitions from the query's predicates, so
          // no crawler or MSCK REPAIR is needed as days go by.
          'projection.enabled': 'true',
          'projection.year.type': 'integer',
          'projection.year.range': `${firstYear},${LAST_YEAR}`,
          'projection.month.type': 'integer',
          'projection.month.range': '1,12',
          'projection.month.digits': '2',
          'projection.day.type': 'integer',
          'projection.day.range': '1,31',
          'projection.day.digits': '2',
          'storage.location.template': `${location}year=\${year}/month=\${month}/day=\${day}/`,
        },
        storageDescriptor: {
          location,
          columns: columns.map((c) => ({ name: c.name, type: c.dataType, comment: c.comment })),
          compressed: true,
          ...(parquet ? {
            inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
            outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
            serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe', parameters: { 'serialization.format': '1' } },
          } : {
            inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
            outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
            // A malformed line reads as nulls instead of failing the whole query.
            serdeInfo: { serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe', parameters: { 'ignore.malformed.json': 'true' } },
          }),
        },
      },
    });
    table.addResourceDependency(this.database);
    return table;
  }

  private acknowledgeFindings(parquet: boolean): void {
    const buckets: Array<[IConstruct, string]> = [
      [this.bucket, 'The event archive'],
      [this.resultsBucket, 'Athena query results, which expire and can be re-run from the archive,'],
    ];
    for (const [bucket, what] of buckets) {
      acknowledgeEach(bucket, S3_REPLICATION_RULES, `${what} stays in this region: it is versioned, KMS-encrypted and retained; cross-region copies are the DR constructs' job (ReplicatedBucket) where the recovery objective needs them.`);
    }
    acknowledgeNoObjectLock(this.bucket);
    Compliance.acknowledge(this.resultsBucket, 's3_bucket_object_lock_enabled_check',
      'Query results are transient by design and expire; Object Lock would keep them past their expiry.');

    // The delivery role's policy: the L2 grants the bucket and the key with object-level wildcards.
    const policy = (this.deliveryRole as ManagedPolicyRole).grantsPolicy;
    if (policy) {
      const objects = nagResourceText(this, this.bucket.arnForObjects('*'));
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

    const stream = this.stream.node.defaultChild;
    if (stream && this.stream.node.scope === this) {
      Compliance.acknowledge(stream, 'AwsSolutions-KDS3',
        'The stream is encrypted with this archive\'s customer managed key instead of aws/kinesis: its key policy allows grants only to AWS services (Control Tower CT.KMS.PR.3), it rotates yearly, and the same key covers the archive, results and logs.');
    }
    Compliance.acknowledge(this.deliveryStream.node.defaultChild!, 'AwsSolutions-KDF1',
      'Firehose server-side encryption applies only to Direct PUT; with a Kinesis stream as source, Firehose keeps no data at rest of its own: the records stay in the KMS-encrypted stream and land in the KMS-encrypted archive (the S3 destination uses the same key).');
  }
}

interface ResolvedProps {
  readonly parquet: boolean;
  readonly streamMode: kinesis.StreamMode;
  readonly retentionPeriod: Duration;
  readonly bufferingInterval: Duration;
  readonly bufferingSize: Size;
  readonly dataPrefix: string;
  readonly transitions: s3.Transition[];
  readonly firstYear: number;
  readonly cutoff: number;
  readonly resultsExpiration: Duration;
  readonly databaseName: string;
  readonly tableName: string;
  readonly workGroupName: string;
  readonly path: string;
}

function validate(props: EventArchiveProps, r: ResolvedProps): void {
  const v = new Validation('EventArchive', r.path);
  const unresolved = (value: unknown) => Token.isUnresolved(value);

  // The stream
  if (props.stream !== undefined) {
    for (const key of ['streamMode', 'shardCount', 'retentionPeriod'] as const) {
      if (props[key] !== undefined) v.fail(key, described('set together with stream'), 'one or the other (an existing stream keeps its own settings)');
    }
  } else {
    if (props.shardCount !== undefined && r.streamMode !== kinesis.StreamMode.PROVISIONED) {
      v.fail('shardCount', described(`${props.shardCount} with streamMode ${r.streamMode}`), 'only with streamMode PROVISIONED (on-demand streams scale themselves)');
    } else if (props.shardCount !== undefined && !unresolved(props.shardCount) && (!Number.isInteger(props.shardCount) || props.shardCount < 1)) {
      v.fail('shardCount', props.shardCount, 'a whole number of at least 1');
    }
    if (!r.retentionPeriod.isUnresolved()) {
      const hours = r.retentionPeriod.toHours({ integral: false });
      if (!Number.isInteger(hours) || hours < 24 || hours > 8760) v.fail('retentionPeriod', r.retentionPeriod, 'whole hours from 24 hours to 365 days (8760 hours)');
    }
  }

  // Firehose buffering (BufferingHints: IntervalInSeconds 0-900, SizeInMBs 1-128; 64+ with format conversion)
  if (!r.bufferingInterval.isUnresolved()) {
    const seconds = r.bufferingInterval.toSeconds({ integral: false });
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > 900) v.fail('bufferingInterval', r.bufferingInterval, 'whole seconds from 0 to 900');
  }
  if (!r.bufferingSize.isUnresolved()) {
    const mib = r.bufferingSize.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
    const min = r.parquet ? 64 : 1;
    if (!Number.isInteger(mib) || mib < min || mib > 128) {
      v.fail('bufferingSize', described(`${mib} MiB`), `whole MiB from ${min} to 128${r.parquet ? ' (Parquet conversion needs at least 64 MiB)' : ''}`);
    }
  }
  if (!unresolved(r.dataPrefix) && !/^([A-Za-z0-9!_.*'()=-]+\/)+$/.test(r.dataPrefix)) {
    v.fail('dataPrefix', r.dataPrefix, 'one or more path segments of letters, digits and !_.*\'()=- each ending with \'/\', e.g. \'events/\'');
  }

  // Lifecycle tiers
  let previous: { cls: string; days: number } | undefined;
  r.transitions.forEach((t, i) => {
    const cls = t.storageClass.value;
    if (t.transitionDate !== undefined || t.transitionAfter === undefined) {
      v.fail(`transitions[${i}]`, described(`${cls} needs transitionAfter (days), not a transitionDate`), 'a Duration in whole days');
      return;
    }
    if (t.transitionAfter.isUnresolved()) return;
    const days = t.transitionAfter.toDays({ integral: false });
    const rank = TIER_ORDER.indexOf(cls);
    if (rank < 0) {
      v.fail(`transitions[${i}]`, described(`storage class ${cls}`), `${TIER_ORDER.join(', ')}`);
      return;
    }
    if (!Number.isInteger(days) || days < 0) v.fail(`transitions[${i}]`, described(`${cls} after ${t.transitionAfter.toHumanString()}`), 'whole days');
    if (cls === s3.StorageClass.INFREQUENT_ACCESS.value && days < 30) {
      v.fail(`transitions[${i}]`, described(`${cls} after ${days} days`), 'at least 30 days (S3 moves objects to Standard-IA only after 30 days in Standard)');
    }
    if (previous) {
      if (TIER_ORDER.indexOf(previous.cls) >= rank) {
        v.fail(`transitions[${i}]`, described(`${cls} after ${previous.cls}`), `tiers in the order ${TIER_ORDER.join(' → ')}, each at most once`);
      } else if (days <= previous.days) {
        v.fail(`transitions[${i}]`, described(`${cls} after ${days} days is not later than ${previous.cls} after ${previous.days} days`), 'days increasing tier by tier');
      } else if (previous.cls === s3.StorageClass.INFREQUENT_ACCESS.value && days < previous.days + 30) {
        v.fail(`transitions[${i}]`, described(`${cls} after ${days} days, ${days - previous.days} days after ${previous.cls}`), `at least 30 days after Standard-IA (day ${previous.days + 30} or later)`);
      }
    }
    previous = { cls, days };
  });
  if (props.expiration !== undefined && !props.expiration.isUnresolved()) {
    const days = props.expiration.toDays({ integral: false });
    if (!Number.isInteger(days) || days < 1) v.fail('expiration', props.expiration, 'whole days, at least 1');
    else if (previous && days <= previous.days) v.fail('expiration', described(`${days} days`), `later than the last tier (${previous.cls} after ${previous.days} days)`);
  }
  if (props.noncurrentVersionExpiration !== undefined && !props.noncurrentVersionExpiration.isUnresolved()) {
    const days = props.noncurrentVersionExpiration.toDays({ integral: false });
    if (!Number.isInteger(days) || days < 1) v.fail('noncurrentVersionExpiration', props.noncurrentVersionExpiration, 'whole days, at least 1');
  }

  // Glue
  if (!unresolved(r.databaseName) && !GLUE_NAME.test(r.databaseName)) v.fail('databaseName', r.databaseName, '1-255 lowercase letters, digits and _');
  if (!unresolved(r.tableName) && !GLUE_NAME.test(r.tableName)) v.fail('tableName', r.tableName, '1-255 lowercase letters, digits and _');
  if (props.columns.length === 0) v.fail('columns', props.columns, 'at least one column');
  const seen = new Set<string>();
  props.columns.forEach((c, i) => {
    if (unresolved(c.name) || unresolved(c.dataType)) return;
    if (!COLUMN_NAME.test(c.name)) {
      v.fail(`columns[${i}].name`, c.name, '1-255 lowercase letters, digits and _, not starting with a digit');
    } else if (PARTITION_KEYS.includes(c.name)) {
      v.fail(`columns[${i}].name`, described(`'${c.name}' is a date partition of the table`), 'any other name (the table adds year, month, day)');
    } else if (seen.has(c.name)) {
      v.fail(`columns[${i}].name`, described(`'${c.name}' appears twice`), 'unique column names');
    }
    seen.add(c.name);
    const typeProblem = glueTypeProblem(c.dataType);
    if (typeProblem) v.lines(`columns[${i}].dataType`, [`columns[${i}].dataType: '${c.dataType}' (column '${c.name}'): ${typeProblem}`]);
    if (c.comment !== undefined && !unresolved(c.comment) && c.comment.length > 255) v.fail(`columns[${i}].comment`, described(`${c.comment.length} characters`), 'at most 255');
  });
  if (!unresolved(r.firstYear) && (!Number.isInteger(r.firstYear) || r.firstYear < 1970 || r.firstYear > LAST_YEAR)) {
    v.fail('firstYear', r.firstYear, `a whole year from 1970 to ${LAST_YEAR}`);
  }

  // Athena
  if (!unresolved(r.workGroupName) && !/^[a-zA-Z0-9._-]{1,128}$/.test(r.workGroupName)) v.fail('workGroupName', r.workGroupName, '1-128 letters, digits, . _ -');
  if (!unresolved(r.cutoff) && (!Number.isInteger(r.cutoff) || r.cutoff < ATHENA_MIN_CUTOFF_BYTES)) {
    v.fail('bytesScannedCutoffPerQuery', r.cutoff, `a whole number of bytes, at least ${ATHENA_MIN_CUTOFF_BYTES} (Athena's minimum, 10 MB)`);
  }
  if (!r.resultsExpiration.isUnresolved()) {
    const days = r.resultsExpiration.toDays({ integral: false });
    if (!Number.isInteger(days) || days < 1) v.fail('queryResultsExpiration', r.resultsExpiration, 'whole days, at least 1');
  }

  v.throwIfInvalid();
}

