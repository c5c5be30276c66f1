import { COLUMNS } from './fixtures';
import { EventsTableSpec, eventsTableInput, LAST_YEAR, PARTITION_KEYS } from '../../src/stream/private/table-input';

const spec = (overrides: Partial<EventsTableSpec> = {}): EventsTableSpec => ({
  tableName: 'events',
  bucketName: 'archive-bucket',
  dataPrefix: 'events/',
  columns: COLUMNS,
  parquet: false,
  firstYear: 2025,
  archivedBy: 'Stack/Events',
  ...overrides,
});

describe('eventsTableInput', () => {
  test('an external table partitioned by year, month and day, described by who archives it', () => {
    const input = eventsTableInput(spec());
    expect(input.name).toBe('events');
    expect(input.tableType).toBe('EXTERNAL_TABLE');
    expect(input.description).toBe('Events archived by Stack/Events, partitioned by the day Firehose received them (UTC)');
    expect(PARTITION_KEYS).toEqual(['year', 'month', 'day']);
    expect(input.partitionKeys).toEqual([{ name: 'year', type: 'int' }, { name: 'month', type: 'int' }, { name: 'day', type: 'int' }]);
  });

  test('partition projection covers firstYear to LAST_YEAR, two-digit months and days, under the data prefix', () => {
    const params = eventsTableInput(spec({ firstYear: 2031, dataPrefix: 'raw/v1/' })).parameters;
    expect(LAST_YEAR).toBe(2099);
    expect(params).toMatchObject({
      'EXTERNAL': 'TRUE',
      'projection.enabled': 'true',
      'projection.year.type': 'integer',
      'projection.year.range': '2031,2099',
      'projection.month.range': '1,12',
      'projection.month.digits': '2',
      'projection.day.range': '1,31',
      'projection.day.digits': '2',
      'storage.location.template': 's3://archive-bucket/raw/v1/year=${year}/month=${month}/day=${day}/',
    });
  });

  test('the columns, in order, with their types and comments', () => {
    const sd = eventsTableInput(spec()).storageDescriptor as { location: string; columns: unknown[]; compressed: boolean };
    expect(sd.location).toBe('s3://archive-bucket/events/');
    expect(sd.compressed).toBe(true);
    expect(sd.columns).toEqual(COLUMNS.map((c) => ({ name: c.name, type: c.dataType, comment: c.comment })));
  });

  test('JSON lines: gzip classification and the OpenX JSON SerDe that reads malformed lines as nulls', () => {
    const input = eventsTableInput(spec({ parquet: false }));
    expect(input.parameters).toMatchObject({ classification: 'json', compressionType: 'gzip' });
    expect(input.storageDescriptor).toMatchObject({
      inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
      outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
      serdeInfo: { serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe', parameters: { 'ignore.malformed.json': 'true' } },
    });
  });

  test('Parquet: parquet classification, no compressionType, the Parquet SerDe and formats', () => {
    const input = eventsTableInput(spec({ parquet: true }));
    expect(input.parameters).toMatchObject({ classification: 'parquet' });
    expect(input.parameters).not.toHaveProperty('compressionType');
    expect(input.storageDescriptor).toMatchObject({
      inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
      outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
      serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe', parameters: { 'serialization.format': '1' } },
    });
  });
});
