import { App, Duration, Size, Stack } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { COLUMNS } from './fixtures';
import { PropsError } from '../../src/private/validation';
import type { EventArchiveProps } from '../../src/stream';
import { ArchiveFormat } from '../../src/stream/event-column';
import { resolveArchiveProps, validateEventArchiveProps } from '../../src/stream/private/archive-validation';

const scope = () => new Stack(new App(), 'Stack');

function resolve(props: Partial<EventArchiveProps> = {}) {
  const s = scope();
  const full: EventArchiveProps = { columns: COLUMNS, ...props };
  return { full, r: resolveArchiveProps(s, full) };
}

/** The props the problems of `props` are about, in order. */
function problems(props: Partial<EventArchiveProps>): string[] {
  const { full, r } = resolve(props);
  try {
    validateEventArchiveProps(full, r);
  } catch (e) {
    expect(e).toBeInstanceOf(PropsError);
    return (e as PropsError).problems.map((p) => p.prop);
  }
  return [];
}

describe('resolveArchiveProps', () => {
  test('the defaults', () => {
    const { r } = resolve();
    expect(r.parquet).toBe(false);
    expect(r.streamMode).toBe(kinesis.StreamMode.ON_DEMAND);
    expect(r.retentionPeriod.toHours()).toBe(24);
    expect(r.bufferingInterval.toMinutes()).toBe(5);
    expect(r.bufferingSize.toMebibytes()).toBe(128);
    expect(r.dataPrefix).toBe('events/');
    expect(r.transitions.map((t) => [t.storageClass.value, t.transitionAfter?.toDays()])).toEqual([
      ['STANDARD_IA', 30], ['GLACIER', 90], ['DEEP_ARCHIVE', 180],
    ]);
    expect(r.expiration).toBeUndefined();
    expect(r.noncurrentVersionExpiration.toDays()).toBe(90);
    expect(r.firstYear).toBe(2025);
    expect(r.cutoff).toBe(10 * 1024 ** 3);
    expect(r.resultsExpiration.toDays()).toBe(30);
    expect(r.engineVersion).toBe('Athena engine version 3');
    expect(r.tableName).toBe('events');
    expect(r.databaseName).toMatch(/^[a-z0-9_]+$/);
    expect(r.workGroupName).toMatch(/^[a-zA-Z0-9._-]+$/);
    expect(r.path).toBe('Stack');
  });

  test('given props win; PARQUET means parquet', () => {
    const { r } = resolve({ format: ArchiveFormat.PARQUET, tableName: 'clicks', databaseName: 'web', workGroupName: 'wg', dataPrefix: 'raw/' });
    expect(r).toMatchObject({ parquet: true, tableName: 'clicks', databaseName: 'web', workGroupName: 'wg', dataPrefix: 'raw/' });
  });

  test('the default validates', () => {
    expect(problems({})).toEqual([]);
  });
});

describe('validateEventArchiveProps', () => {
  test.each<[string, Partial<EventArchiveProps>, string[]]>([
    ['shardCount with on-demand', { shardCount: 2 }, ['shardCount']],
    ['shardCount 0', { streamMode: kinesis.StreamMode.PROVISIONED, shardCount: 0 }, ['shardCount']],
    ['retention under a day', { retentionPeriod: Duration.hours(23) }, ['retentionPeriod']],
    ['retention over a year', { retentionPeriod: Duration.hours(8761) }, ['retentionPeriod']],
    ['buffering over 900 s', { bufferingInterval: Duration.seconds(901) }, ['bufferingInterval']],
    ['buffering over 128 MiB', { bufferingSize: Size.mebibytes(129) }, ['bufferingSize']],
    ['Parquet with under 64 MiB', { format: ArchiveFormat.PARQUET, bufferingSize: Size.mebibytes(32) }, ['bufferingSize']],
    ['a prefix without a trailing slash', { dataPrefix: 'events' }, ['dataPrefix']],
    ['Standard-IA before 30 days', { transitions: [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(10) }] }, ['transitions[0]']],
    ['tiers out of order', {
      transitions: [
        { storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(90) },
        { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(120) },
      ],
    }, ['transitions[1]']],
    ['days not increasing', {
      transitions: [
        { storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(90) },
        { storageClass: s3.StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(90) },
      ],
    }, ['transitions[1]']],
    ['under 30 days after Standard-IA', {
      transitions: [
        { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
        { storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(45) },
      ],
    }, ['transitions[1]']],
    ['a transition date', { transitions: [{ storageClass: s3.StorageClass.GLACIER, transitionDate: new Date('2030-01-01') }] }, ['transitions[0]']],
    ['an unknown tier', { transitions: [{ storageClass: s3.StorageClass.INTELLIGENT_TIERING, transitionAfter: Duration.days(30) }] }, ['transitions[0]']],
    ['expiry before the last tier', { expiration: Duration.days(100) }, ['expiration']],
    ['noncurrent expiry of 0 days', { noncurrentVersionExpiration: Duration.days(0) }, ['noncurrentVersionExpiration']],
    ['an uppercase database name', { databaseName: 'Web' }, ['databaseName']],
    ['a table name with a dash', { tableName: 'my-events' }, ['tableName']],
    ['no columns', { columns: [] }, ['columns']],
    ['a column named like a partition', { columns: [{ name: 'year', dataType: 'int' }] }, ['columns[0].name']],
    ['a column twice', { columns: [{ name: 'a', dataType: 'int' }, { name: 'a', dataType: 'int' }] }, ['columns[1].name']],
    ['a column starting with a digit', { columns: [{ name: '1a', dataType: 'int' }] }, ['columns[0].name']],
    ['a column of no Glue type', { columns: [{ name: 'a', dataType: 'text' }] }, ['columns[0].dataType']],
    ['a too long comment', { columns: [{ name: 'a', dataType: 'int', comment: 'c'.repeat(256) }] }, ['columns[0].comment']],
    ['a first year after the projection', { firstYear: 2100 }, ['firstYear']],
    ['a workgroup name with a space', { workGroupName: 'my wg' }, ['workGroupName']],
    ['a cutoff under 10 MB', { bytesScannedCutoffPerQuery: 9_999_999 }, ['bytesScannedCutoffPerQuery']],
    ['results expiring in 0 days', { queryResultsExpiration: Duration.hours(12) }, ['queryResultsExpiration']],
  ])('%s', (_what, props, expected) => {
    expect(problems(props)).toEqual(expected);
  });

  test('an existing stream refuses the stream settings, each one', () => {
    const s = new Stack(new App(), 'S');
    const stream = new kinesis.Stream(s, 'Stream');
    expect(problems({ stream, streamMode: kinesis.StreamMode.PROVISIONED, shardCount: 1, retentionPeriod: Duration.days(2) }))
      .toEqual(['streamMode', 'shardCount', 'retentionPeriod']);
  });

  test('every problem in one error, naming the construct path', () => {
    const { full, r } = resolve({ tableName: 'T', firstYear: 1900 });
    expect(() => validateEventArchiveProps(full, r)).toThrow(/EventArchive[\s\S]*tableName: 'T'[\s\S]*firstYear: 1900/);
  });
});
