import * as glue from 'aws-cdk-lib/aws-glue';
import type { EventColumn } from '../event-column';

/** The date partitions of the events table, from Firehose's arrival time (UTC). */
export const PARTITION_KEYS = ['year', 'month', 'day'];
/** The last year the `year` partition projection covers. */
export const LAST_YEAR = 2099;

/** What the Glue table of an archive describes. */
export interface EventsTableSpec {
  /** The table name. */
  readonly tableName: string;
  /** The archive bucket's name. */
  readonly bucketName: string;
  /** The key prefix of the archived events, ending with `/`. */
  readonly dataPrefix: string;
  /** The columns of each record. */
  readonly columns: EventColumn[];
  /** Parquet (true) or GZIP JSON lines (false). */
  readonly parquet: boolean;
  /** The first year of the `year` partition projection. */
  readonly firstYear: number;
  /** Who archives the events (the construct path), for the description. */
  readonly archivedBy: string;
}

/**
 * The Glue table input over the archive: Hive-style date partitions found by partition projection
 * (no crawler), and the SerDe of the stored format.
 */
export function eventsTableInput(spec: EventsTableSpec): glue.CfnTable.TableInputProperty {
  const { parquet, firstYear } = spec;
  const location = `s3://${spec.bucketName}/${spec.dataPrefix}`;
  return {
    name: spec.tableName,
    description: `Events archived by ${spec.archivedBy}, partitioned by the day Firehose received them (UTC)`,
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
      columns: spec.columns.map((c) => ({ name: c.name, type: c.dataType, comment: c.comment })),
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
  };
}
