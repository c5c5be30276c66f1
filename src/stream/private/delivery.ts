import { CfnMapping, Duration, Size, Stack } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

const FIREHOSE_CIDR_MAPPING = 'aws-kinesisfirehose.CidrBlocks';

/** What the Firehose delivery of an archive reads, writes and how. */
export interface DeliverySpec {
  readonly stream: kinesis.IStream;
  readonly bucket: s3.IBucket;
  readonly role: iam.IRole;
  readonly table: glue.CfnTable;
  readonly encryptionKey: kms.IKey;
  readonly logGroup: logs.ILogGroup;
  readonly dataPrefix: string;
  readonly bufferingInterval: Duration;
  readonly bufferingSize: Size;
  readonly parquet: boolean;
}

/**
 * The Firehose delivery stream from the Kinesis stream to the archive bucket, under date
 * partitions, as GZIP JSON lines or (converted with the Glue table's schema) Parquet.
 */
export function s3Delivery(scope: Construct, id: string, spec: DeliverySpec): firehose.DeliveryStream {
  // Timestamp prefixes (Firehose's arrival time, UTC) need no record parsing and no dynamic
  // partitioning charge; they land under the Hive-style keys the table projects.
  const datePartitions = 'year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/';
  const stack = Stack.of(scope);
  const firehoseCidrMapping = () => stack.node.children.find((c) => c instanceof CfnMapping && c.node.id.endsWith(FIREHOSE_CIDR_MAPPING));
  const hadCidrMapping = firehoseCidrMapping() !== undefined;
  const deliveryStream = new firehose.DeliveryStream(scope, id, {
    source: new firehose.KinesisStreamSource(spec.stream),
    role: spec.role,
    destination: new firehose.S3Bucket(spec.bucket, {
      role: spec.role,
      dataOutputPrefix: `${spec.dataPrefix}${datePartitions}`,
      errorOutputPrefix: `errors/!{firehose:error-output-type}/${datePartitions}`,
      bufferingInterval: spec.bufferingInterval,
      bufferingSize: spec.bufferingSize,
      encryptionKey: spec.encryptionKey,
      loggingConfig: new firehose.EnableLogging(spec.logGroup),
      ...(spec.parquet ? {
        dataFormatConversion: {
          schemaConfiguration: firehose.SchemaConfiguration.fromCfnTable(spec.table),
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
  deliveryStream.node.addDependency(spec.table);
  // The L2 adds a stack-wide mapping of Firehose CIDR blocks for `connections` (VPC destinations
  // such as Redshift). An S3 destination never uses it, and in an environment-agnostic stack it is
  // rendered unreferenced (CloudFormation warning W7001). Drop it when this archive added it; a
  // later delivery stream that needs it creates it again.
  const mapping = firehoseCidrMapping();
  if (!hadCidrMapping && mapping) stack.node.tryRemoveChild(mapping.node.id);
  return deliveryStream;
}
