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
