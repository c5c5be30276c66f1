import { App, Duration, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { archiveStack, COLUMNS } from './fixtures';
import { ArchiveFormat, EventArchive, EventArchiveProps } from '../../src/stream';
import { expectCompliant } from '../support/compliance';

function build(props: Partial<EventArchiveProps> = {}) {
  const built = archiveStack(props);
  return { ...built, template: Template.fromStack(built.stack) };
}

const ref = (logicalIdPrefix: string) => ({ Ref: Match.stringLikeRegexp(`^${logicalIdPrefix}`) });
const arnOf = (logicalIdPrefix: string) => ({ 'Fn::GetAtt': [Match.stringLikeRegexp(`^${logicalIdPrefix}`), 'Arn'] });
const tier = (storageClass: s3.StorageClass, days: number): s3.Transition => ({ storageClass, transitionAfter: Duration.days(days) });
const DATE_PARTITIONS = 'year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/';

describe('EventArchive: the stream', () => {
  test('defaults: on-demand, encrypted with the archive\'s customer managed key, 24 hours, retained', () => {
    const { template } = build();
    template.resourceCountIs('AWS::Kinesis::Stream', 1);
    template.hasResource('AWS::Kinesis::Stream', {
      DeletionPolicy: 'Retain',
      Properties: {
        StreamModeDetails: { StreamMode: 'ON_DEMAND' },
        RetentionPeriodHours: 24,
        StreamEncryption: { EncryptionType: 'KMS', KeyId: arnOf('EventsKey') },
      },
    });
  });

  test('the key rotates, is retained, lets CloudWatch Logs use it and grants only to AWS services', () => {
    const { template } = build();
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({ Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } }),
            Match.objectLike({
              Effect: 'Deny',
              Action: 'kms:CreateGrant',
              Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
            }),
          ]),
        },
      }),
    });
  });

  test('provisioned mode with a shard count and a longer retention', () => {
    const { template } = build({ streamMode: kinesis.StreamMode.PROVISIONED, shardCount: 4, retentionPeriod: Duration.days(7) });
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      ShardCount: 4,
      RetentionPeriodHours: 168,
    });
  });

  test('an existing stream is archived instead of a new one, and grantWrite grants on it', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const existing = new kinesis.Stream(stack, 'Existing', { streamMode: kinesis.StreamMode.ON_DEMAND });
    const archive = new EventArchive(stack, 'Events', { columns: COLUMNS, stream: existing });
    const producer = new iam.Role(stack, 'Producer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    archive.grantWrite(producer);
    const template = Template.fromStack(stack);
    expect(archive.stream).toBe(existing);
    template.resourceCountIs('AWS::Kinesis::Stream', 1);
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      KinesisStreamSourceConfiguration: { KinesisStreamARN: arnOf('Existing') },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [ref('Producer')],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['kinesis:PutRecord', 'kinesis:PutRecords']), Resource: arnOf('Existing') })]) },
    });
  });

  test('grantWrite lets a producer put records and encrypt them with the key', () => {
    const { stack, archive } = archiveStack();
    const producer = new iam.Role(stack, 'Producer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    archive.grantWrite(producer);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [ref('Producer')],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: Match.arrayWith(['kinesis:PutRecord', 'kinesis:PutRecords']), Resource: arnOf('EventsStream') }),
          Match.objectLike({ Action: Match.arrayWith(['kms:Encrypt', 'kms:GenerateDataKey*']), Resource: arnOf('EventsKey') }),
        ]),
      },
    });
  });
});

describe('EventArchive: Firehose delivery', () => {
  test('reads the stream and writes GZIP JSON lines under year=/month=/day= prefixes, errors apart', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'KinesisStreamAsSource',
      KinesisStreamSourceConfiguration: { KinesisStreamARN: arnOf('EventsStream'), RoleARN: arnOf('EventsDeliveryRole') },
      ExtendedS3DestinationConfiguration: Match.objectLike({
        BucketARN: arnOf('EventsArchive'),
        RoleARN: arnOf('EventsDeliveryRole'),
        Prefix: `events/${DATE_PARTITIONS}`,
        ErrorOutputPrefix: `errors/!{firehose:error-output-type}/${DATE_PARTITIONS}`,
        CompressionFormat: 'GZIP',
        FileExtension: '.json.gz',
        ProcessingConfiguration: { Enabled: true, Processors: [Match.objectLike({ Type: 'AppendDelimiterToRecord' })] },
        BufferingHints: { IntervalInSeconds: 300, SizeInMBs: 128 },
        EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: arnOf('EventsKey') } },
        CloudWatchLoggingOptions: { Enabled: true, LogGroupName: ref('EventsDeliveryLogs'), LogStreamName: Match.anyValue() },
      }),
    });
  });

  test('delivery errors go to an encrypted log group kept a year', () => {
    const { template } = build();
    template.hasResource('AWS::Logs::LogGroup', {
      DeletionPolicy: 'Retain',
      Properties: { RetentionInDays: 365, KmsKeyId: arnOf('EventsKey') },
    });
  });

  test('the delivery role trusts Firehose of this account only, and its grants sit in a managed policy', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({
          Principal: { Service: 'firehose.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        })],
      },
    });
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [ref('EventsDeliveryRole')],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: Match.arrayWith(['kinesis:GetRecords', 'kinesis:GetShardIterator']), Resource: arnOf('EventsStream') }),
          Match.objectLike({ Action: Match.arrayWith(['s3:PutObject']) }),
          Match.objectLike({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: arnOf('EventsDeliveryLogs') }),
        ]),
      },
    });
  });

  test('buffering hints and the data prefix are configurable', () => {
    const { template } = build({ bufferingInterval: Duration.seconds(60), bufferingSize: Size.mebibytes(8), dataPrefix: 'passes/v1/' });
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      ExtendedS3DestinationConfiguration: Match.objectLike({
        BufferingHints: { IntervalInSeconds: 60, SizeInMBs: 8 },
        Prefix: `passes/v1/${DATE_PARTITIONS}`,
      }),
    });
    template.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({
        StorageDescriptor: Match.objectLike({ Location: { 'Fn::Join': ['', ['s3://', ref('EventsArchive'), '/passes/v1/']] } }),
      }),
    });
  });

  test('Parquet: Firehose converts JSON with the Glue table as schema; the table reads Parquet', () => {
    const { template } = build({ format: ArchiveFormat.PARQUET });
    const stream = Object.values(template.findResources('AWS::KinesisFirehose::DeliveryStream'))[0];
    const destination = stream.Properties.ExtendedS3DestinationConfiguration;
    expect(destination.CompressionFormat).toBeUndefined();
    expect(destination.ProcessingConfiguration).toBeUndefined();
    expect(destination.BufferingHints).toEqual({ IntervalInSeconds: 300, SizeInMBs: 128 });
    expect(destination.DataFormatConversionConfiguration).toEqual(expect.objectContaining({
      Enabled: true,
      InputFormatConfiguration: { Deserializer: { OpenXJsonSerDe: expect.anything() } },
      OutputFormatConfiguration: { Serializer: { ParquetSerDe: expect.anything() } },
      SchemaConfiguration: expect.objectContaining({ DatabaseName: 'stack_events_0b6038a5', TableName: expect.anything(), VersionId: 'LATEST' }),
    }));
    template.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({
        Parameters: Match.objectLike({ classification: 'parquet' }),
        StorageDescriptor: Match.objectLike({
          InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          SerdeInfo: Match.objectLike({ SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' }),
        }),
      }),
    });
    // Firehose reads the schema from Glue.
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['glue:GetTableVersions']) })]) },
    });
  });

  test('the stack gets no unreferenced Firehose CIDR mapping', () => {
    const { template } = build();
    expect(template.toJSON().Mappings).toBeUndefined();
  });

  test('a stack may hold two archives', () => {
    const { stack } = archiveStack();
    new EventArchive(stack, 'Other', { columns: COLUMNS });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', 2);
    template.resourceCountIs('AWS::Athena::WorkGroup', 2);
    expect(template.toJSON().Mappings).toBeUndefined();
  });
});

describe('EventArchive: the archive bucket', () => {
  test('KMS-encrypted, versioned, private, retained, logging to the access-log bucket', () => {
    const { template } = build();
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: arnOf('EventsKey') } }] },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LoggingConfiguration: { DestinationBucketName: ref('EventsAccessLogs'), LogFilePrefix: 'archive/' },
      }),
    });
  });

  test('TLS only (and TLS 1.2 or later)', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: ref('EventsArchive'),
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      },
    });
  });

  test('default tiers: Standard-IA at 30 days, Glacier Flexible Retrieval at 90, Deep Archive at 180, no expiry', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'archive/' }),
      LifecycleConfiguration: {
        Rules: [{
          Id: 'archive-tiers',
          Status: 'Enabled',
          Transitions: [
            { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
            { StorageClass: 'GLACIER', TransitionInDays: 90 },
            { StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 180 },
          ],
          NoncurrentVersionExpiration: { NoncurrentDays: 90 },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
        }],
      },
    });
  });

  test('tiers and expiry are configurable', () => {
    const { template } = build({
      transitions: [tier(s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, 0), tier(s3.StorageClass.DEEP_ARCHIVE, 365)],
      expiration: Duration.days(3650),
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [Match.objectLike({
          Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 0 }, { StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 365 }],
          ExpirationInDays: 3650,
        })],
      },
    });
  });

  test('query results sit in their own encrypted bucket and expire after 30 days', () => {
    const { template } = build();
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: arnOf('EventsKey') } })] },
        LoggingConfiguration: { DestinationBucketName: ref('EventsAccessLogs'), LogFilePrefix: 'query-results/' },
        LifecycleConfiguration: { Rules: [Match.objectLike({ Id: 'expire-query-results', ExpirationInDays: 30, NoncurrentVersionExpiration: { NoncurrentDays: 1 } })] },
      }),
    });
  });

  test('an existing access-log bucket replaces the new one', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const logs = s3.Bucket.fromBucketName(stack, 'OrgLogs', 'org-access-logs');
    new EventArchive(stack, 'Events', { columns: COLUMNS, serverAccessLogsBucket: logs });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 2);
    template.hasResourceProperties('AWS::S3::Bucket', { LoggingConfiguration: { DestinationBucketName: 'org-access-logs', LogFilePrefix: 'archive/' } });
  });
});

describe('EventArchive: Glue and Athena', () => {
  test('a Glue table over the archive: the columns given, date partitions with projection, JSON SerDe', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::Glue::Database', {
      CatalogId: { Ref: 'AWS::AccountId' },
      DatabaseInput: Match.objectLike({ Name: 'stack_events_0b6038a5' }),
    });
    const location = (suffix: string) => ({ 'Fn::Join': ['', ['s3://', ref('EventsArchive'), `/events/${suffix}`]] });
    template.hasResourceProperties('AWS::Glue::Table', {
      DatabaseName: 'stack_events_0b6038a5',
      TableInput: {
        Name: 'events',
        Description: Match.anyValue(),
        TableType: 'EXTERNAL_TABLE',
        PartitionKeys: [{ Name: 'year', Type: 'int' }, { Name: 'month', Type: 'int' }, { Name: 'day', Type: 'int' }],
        Parameters: {
          'EXTERNAL': 'TRUE',
          'classification': 'json',
          'compressionType': 'gzip',
          'projection.enabled': 'true',
          'projection.year.type': 'integer',
          'projection.year.range': '2025,2099',
          'projection.month.type': 'integer',
          'projection.month.range': '1,12',
          'projection.month.digits': '2',
          'projection.day.type': 'integer',
          'projection.day.range': '1,31',
          'projection.day.digits': '2',
          'storage.location.template': location('year=${year}/month=${month}/day=${day}/'),
        },
        StorageDescriptor: {
          Location: location(''),
          Compressed: true,
          Columns: COLUMNS.map((c) => (c.comment ? { Name: c.name, Type: c.dataType, Comment: c.comment } : { Name: c.name, Type: c.dataType })),
          InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          SerdeInfo: { SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe', Parameters: { 'ignore.malformed.json': 'true' } },
        },
      },
    });
  });

  test('names and the first projected year are configurable', () => {
    const { template, archive } = build({ databaseName: 'passes', tableName: 'pass_events', workGroupName: 'pass-analytics', firstYear: 2026 });
    expect([archive.databaseName, archive.tableName, archive.workGroupName]).toEqual(['passes', 'pass_events', 'pass-analytics']);
    template.hasResourceProperties('AWS::Glue::Table', {
      DatabaseName: 'passes',
      TableInput: Match.objectLike({ Name: 'pass_events', Parameters: Match.objectLike({ 'projection.year.range': '2026,2099' }) }),
    });
    template.hasResourceProperties('AWS::Athena::WorkGroup', { Name: 'pass-analytics' });
  });

  test('an Athena workgroup: enforced settings, engine 3, 10 GiB per query, KMS-encrypted results', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'Stack-Events-0B6038A5',
      State: 'ENABLED',
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        PublishCloudWatchMetricsEnabled: true,
        BytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        ResultConfiguration: {
          OutputLocation: { 'Fn::Join': ['', ['s3://', ref('EventsQueryResults'), '/results/']] },
          ExpectedBucketOwner: { Ref: 'AWS::AccountId' },
          EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: arnOf('EventsKey') },
        },
      },
    });
  });

  test('the scan cutoff, results expiry and engine version are configurable', () => {
    const { template } = build({ bytesScannedCutoffPerQuery: 100_000_000, queryResultsExpiration: Duration.days(7), engineVersion: 'AUTO' });
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: Match.objectLike({ BytesScannedCutoffPerQuery: 100_000_000, EngineVersion: { SelectedEngineVersion: 'AUTO' } }),
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [Match.objectLike({ Id: 'expire-query-results', ExpirationInDays: 7 })] },
    });
  });

  test('addNamedQuery saves a query in the workgroup, against the events database', () => {
    const { archive, stack } = archiveStack();
    const sql = 'SELECT event_type, count(*) AS n FROM events WHERE year = 2026 AND month = 3 GROUP BY event_type';
    archive.addNamedQuery('events-by-type', sql, 'Events per type in March 2026');
    archive.addNamedQuery('events-by-district', 'SELECT district, count(*) FROM events GROUP BY district');
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Athena::NamedQuery', 2);
    template.hasResource('AWS::Athena::NamedQuery', {
      Properties: {
        Name: 'events-by-type',
        QueryString: sql,
        Description: 'Events per type in March 2026',
        Database: 'stack_events_0b6038a5',
        WorkGroup: ref('EventsWorkGroup'),
      },
      DependsOn: [Match.stringLikeRegexp('^EventsDatabase')],
    });
  });

  test('addNamedQuery refuses a duplicate name, a blank query and an over-long name or description', () => {
    const { archive } = archiveStack();
    archive.addNamedQuery('q', 'SELECT 1');
    expect(() => archive.addNamedQuery('q', 'SELECT 2')).toThrow(/name: 'q' is already a named query/);
    expect(() => archive.addNamedQuery('blank', '  ')).toThrow(/sql: 2 characters \(blank\); allowed: 1-262144/);
    expect(() => archive.addNamedQuery('x'.repeat(129), 'SELECT 1')).toThrow(/name: 'x+' has 129 characters; allowed: 1-128/);
    expect(() => archive.addNamedQuery('long', 'SELECT 1', 'd'.repeat(1025))).toThrow(/description: 1025 characters; allowed: at most 1024/);
  });

  test('grantQuery lets a principal run queries in the workgroup and read the table, the archive and the results', () => {
    const { archive, stack } = archiveStack();
    const analyst = new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() });
    archive.grantQuery(analyst);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [ref('Analyst')],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['athena:StartQueryExecution', 'athena:GetQueryResults']),
            Resource: { 'Fn::Join': ['', Match.arrayWith([':workgroup/Stack-Events-0B6038A5'])] },
          }),
          Match.objectLike({ Action: Match.arrayWith(['glue:GetTable', 'glue:GetPartitions']) }),
          Match.objectLike({ Action: Match.arrayWith(['s3:GetObject*']), Resource: Match.arrayWith([arnOf('EventsArchive')]) }),
          Match.objectLike({ Action: Match.arrayWith(['s3:PutObject']), Resource: Match.arrayWith([arnOf('EventsQueryResults')]) }),
        ]),
      },
    });
  });
});

describe('EventArchive: validation', () => {
  const invalid = (props: Partial<EventArchiveProps>) => () => archiveStack(props);

  test('lifecycle tiers: Standard-IA before 30 days', () => {
    expect(invalid({ transitions: [tier(s3.StorageClass.INFREQUENT_ACCESS, 10)] }))
      .toThrow(/transitions\[0\]: STANDARD_IA after 10 days; allowed: at least 30 days/);
  });

  test('lifecycle tiers: out of order, not later, too soon after Standard-IA, unsupported class, a date', () => {
    expect(invalid({ transitions: [tier(s3.StorageClass.DEEP_ARCHIVE, 180), tier(s3.StorageClass.GLACIER, 365)] }))
      .toThrow(/transitions\[1\]: GLACIER after DEEP_ARCHIVE; allowed: tiers in the order/);
    expect(invalid({ transitions: [tier(s3.StorageClass.GLACIER, 90), tier(s3.StorageClass.DEEP_ARCHIVE, 90)] }))
      .toThrow(/transitions\[1\]: DEEP_ARCHIVE after 90 days is not later than GLACIER after 90 days/);
    expect(invalid({ transitions: [tier(s3.StorageClass.INFREQUENT_ACCESS, 30), tier(s3.StorageClass.GLACIER, 45)] }))
      .toThrow(/transitions\[1\]: GLACIER after 45 days, 15 days after STANDARD_IA; allowed: at least 30 days after Standard-IA \(day 60 or later\)/);
    expect(invalid({ transitions: [tier(s3.StorageClass.INTELLIGENT_TIERING, 0)] }))
      .toThrow(/transitions\[0\]: storage class INTELLIGENT_TIERING; allowed: STANDARD_IA, GLACIER_IR, GLACIER, DEEP_ARCHIVE/);
    expect(invalid({ transitions: [{ storageClass: s3.StorageClass.GLACIER, transitionDate: new Date('2030-01-01') }] }))
      .toThrow(/transitions\[0\]: GLACIER needs transitionAfter/);
  });

  test('expiry before the last tier, and non-current versions kept less than a day', () => {
    expect(invalid({ expiration: Duration.days(100) })).toThrow(/expiration: 100 days; allowed: later than the last tier \(DEEP_ARCHIVE after 180 days\)/);
    expect(invalid({ noncurrentVersionExpiration: Duration.hours(12) })).toThrow(/noncurrentVersionExpiration: 12 hours; allowed: whole days, at least 1/);
  });

  test('Athena: the scan cutoff below 10 MB, a results expiry under a day, a bad workgroup name', () => {
    expect(invalid({ bytesScannedCutoffPerQuery: 9_999_999 })).toThrow(/bytesScannedCutoffPerQuery: 9999999; allowed: a whole number of bytes, at least 10000000/);
    expect(invalid({ queryResultsExpiration: Duration.hours(1) })).toThrow(/queryResultsExpiration: 1 hour; allowed: whole days, at least 1/);
    expect(invalid({ workGroupName: 'pass analytics' })).toThrow(/workGroupName: 'pass analytics'; allowed: 1-128 letters/);
  });

  test('Firehose buffering outside 0-900 seconds and 1-128 MiB (64-128 for Parquet)', () => {
    expect(invalid({ bufferingInterval: Duration.minutes(20) })).toThrow(/bufferingInterval: 20 minutes; allowed: whole seconds from 0 to 900/);
    expect(invalid({ bufferingSize: Size.mebibytes(256) })).toThrow(/bufferingSize: 256 MiB; allowed: whole MiB from 1 to 128/);
    expect(invalid({ bufferingSize: Size.kibibytes(512) })).toThrow(/bufferingSize: 0.5 MiB; allowed: whole MiB from 1 to 128/);
    expect(invalid({ format: ArchiveFormat.PARQUET, bufferingSize: Size.mebibytes(16) })).toThrow(/bufferingSize: 16 MiB; allowed: whole MiB from 64 to 128 \(Parquet conversion needs at least 64 MiB\)/);
    expect(invalid({ dataPrefix: 'events' })).toThrow(/dataPrefix: 'events'; allowed: one or more path segments/);
  });

  test('columns: invalid names, duplicates, date partition names, invalid Glue types, none at all', () => {
    expect(invalid({ columns: [] })).toThrow(/columns: \[\]; allowed: at least one column/);
    expect(invalid({ columns: [{ name: 'EventId', dataType: 'string' }] })).toThrow(/columns\[0\].name: 'EventId'; allowed: 1-255 lowercase letters/);
    expect(invalid({ columns: [{ name: '1st', dataType: 'string' }] })).toThrow(/columns\[0\].name: '1st'/);
    expect(invalid({ columns: [{ name: 'a', dataType: 'string' }, { name: 'a', dataType: 'int' }] })).toThrow(/columns\[1\].name: 'a' appears twice; allowed: unique column names/);
    expect(invalid({ columns: [{ name: 'day', dataType: 'string' }] })).toThrow(/columns\[0\].name: 'day' is a date partition of the table/);
    expect(invalid({ columns: [{ name: 'a', dataType: 'text' }] })).toThrow(/columns\[0\].dataType: 'text' \(column 'a'\): 'text' is not a Glue type; allowed: boolean/);
    expect(invalid({ columns: [{ name: 'a', dataType: 'INT' }] })).toThrow(/columns\[0\].dataType: 'INT'/);
    expect(invalid({ columns: [{ name: 'a', dataType: 'decimal(40,2)' }] })).toThrow(/decimal precision 40 is outside 1-38/);
    expect(invalid({ columns: [{ name: 'a', dataType: 'decimal(5,6)' }] })).toThrow(/decimal scale 6 is larger than its precision 5/);
    expect(invalid({ columns: [{ name: 'a', dataType: 'varchar(0)' }] })).toThrow(/varchar length 0 is outside 1-65535/);
    expect(invalid({ columns: [{ name: 'a', dataType: 'array<string' }] })).toThrow(/'>' expected at position 12/);
    expect(invalid({ columns: [{ name: 'a', dataType: 'map<array<int>,string>' }] })).toThrow(/a map key must be a primitive type/);
    expect(invalid({ columns: [{ name: 'a', dataType: 'struct<x:int,x:int>' }] })).toThrow(/struct field 'x' appears twice/);
    expect(invalid({ columns: [{ name: 'a', dataType: 'string, b int' }] })).toThrow(/unexpected ', b int' at position 6/);
  });

  test('columns: every Glue type spelling the table allows is accepted', () => {
    const types = [
      'boolean', 'tinyint', 'smallint', 'int', 'bigint', 'float', 'double', 'string', 'date', 'timestamp', 'binary', 'decimal',
      'decimal(10,2)', 'char(2)', 'varchar(255)', 'array<string>', 'map<string,bigint>', 'array<struct<lat:double,lon:double>>',
      'struct<reason:string,tags:array<string>,extra:map<string,string>>',
    ];
    expect(() => archiveStack({ columns: types.map((type, i) => ({ name: `c${i}`, dataType: type })) })).not.toThrow();
  });

  test('Glue names and the first projected year', () => {
    expect(invalid({ databaseName: 'Pass-Events' })).toThrow(/databaseName: 'Pass-Events'; allowed: 1-255 lowercase letters, digits and _/);
    expect(invalid({ tableName: 'pass events' })).toThrow(/tableName: 'pass events'; allowed: 1-255 lowercase/);
    expect(invalid({ firstYear: 1900 })).toThrow(/firstYear: 1900; allowed: a whole year from 1970 to 2099/);
  });

  test('the stream: retention outside 24 hours to 365 days, shard count without PROVISIONED or below 1, settings with an existing stream', () => {
    expect(invalid({ retentionPeriod: Duration.hours(12) })).toThrow(/retentionPeriod: 12 hours; allowed: whole hours from 24 hours to 365 days/);
    expect(invalid({ retentionPeriod: Duration.days(400) })).toThrow(/retentionPeriod: 400 days/);
    expect(invalid({ shardCount: 2 })).toThrow(/shardCount: 2 with streamMode ON_DEMAND; allowed: only with streamMode PROVISIONED/);
    expect(invalid({ streamMode: kinesis.StreamMode.PROVISIONED, shardCount: 0 })).toThrow(/shardCount: 0; allowed: a whole number of at least 1/);
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const existing = kinesis.Stream.fromStreamArn(stack, 'Existing', 'arn:aws:kinesis:eu-west-1:111111111111:stream/events');
    expect(() => new EventArchive(stack, 'Events', { columns: COLUMNS, stream: existing, retentionPeriod: Duration.days(2), streamMode: kinesis.StreamMode.ON_DEMAND }))
      .toThrow(/streamMode: set together with stream[\s\S]*retentionPeriod: set together with stream; allowed: one or the other/);
  });

  test('one error lists every problem', () => {
    let message = '';
    try {
      archiveStack({ bytesScannedCutoffPerQuery: 1, bufferingInterval: Duration.seconds(901), columns: [{ name: 'Bad', dataType: 'nope' }] });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^EventArchive 'Stack\/Events' has invalid props:/);
    for (const prop of ['bufferingInterval', 'columns\\[0\\].name', 'columns\\[0\\].dataType', 'bytesScannedCutoffPerQuery']) {
      expect(message).toMatch(new RegExp(`\\n  - ${prop}: `));
    }
  });
});

describe('EventArchive: snapshot and compliance', () => {
  test('snapshot of a default archive', () => {
    const { template } = build();
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('a default archive passes every compliance pack', () => {
    const { stack } = archiveStack();
    const report = expectCompliant(stack);
    // Acknowledged findings sit on single resources of the archive, never on the stack.
    for (const ack of report.acknowledgements) expect(ack.constructPath).toMatch(/^Stack\/Events\/.+/);
  });

  test('a Parquet archive on a provisioned stream, with expiry and named queries, passes every compliance pack', () => {
    const { stack, archive } = archiveStack({
      format: ArchiveFormat.PARQUET,
      streamMode: kinesis.StreamMode.PROVISIONED,
      shardCount: 2,
      expiration: Duration.days(3650),
    });
    archive.addNamedQuery('events-by-type', 'SELECT event_type, count(*) FROM events GROUP BY event_type');
    expectCompliant(stack);
  });
});
