import { Duration, Names, Size, SizeRoundingBehavior, Token } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { glueTypeProblem } from './glue-types';
import { LAST_YEAR, PARTITION_KEYS } from './table-input';
import { described, Validation } from '../../private/validation';
import type { EventArchiveProps } from '../event-archive';
import { ArchiveFormat } from '../event-column';

// Cheapest-last: a lifecycle only moves objects down this ladder.
const TIER_ORDER = [
  s3.StorageClass.INFREQUENT_ACCESS.value,
  s3.StorageClass.GLACIER_INSTANT_RETRIEVAL.value,
  s3.StorageClass.GLACIER.value,
  s3.StorageClass.DEEP_ARCHIVE.value,
];
const ATHENA_MIN_CUTOFF_BYTES = 10_000_000;
const GLUE_NAME = /^[a-z0-9_]{1,255}$/;
const COLUMN_NAME = /^[a-z_][a-z0-9_]{0,254}$/;
const DEFAULT_TRANSITIONS: s3.Transition[] = [
  { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
  { storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(90) },
  { storageClass: s3.StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(180) },
];
const DEFAULT_CUTOFF_BYTES = 10 * 1024 ** 3;

/** The props of an `EventArchive` with their defaults, resolved once. */
export interface ResolvedArchiveProps {
  readonly parquet: boolean;
  readonly expiration?: Duration;
  readonly noncurrentVersionExpiration: Duration;
  readonly engineVersion: string;
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

/** The props with their defaults (names derived from the construct path where none is given). */
export function resolveArchiveProps(scope: IConstruct, props: EventArchiveProps): ResolvedArchiveProps {
  return {
    parquet: (props.format ?? ArchiveFormat.JSON_GZIP) === ArchiveFormat.PARQUET,
    streamMode: props.streamMode ?? kinesis.StreamMode.ON_DEMAND,
    retentionPeriod: props.retentionPeriod ?? Duration.hours(24),
    bufferingInterval: props.bufferingInterval ?? Duration.minutes(5),
    bufferingSize: props.bufferingSize ?? Size.mebibytes(128),
    dataPrefix: props.dataPrefix ?? 'events/',
    transitions: props.transitions ?? DEFAULT_TRANSITIONS,
    expiration: props.expiration,
    noncurrentVersionExpiration: props.noncurrentVersionExpiration ?? Duration.days(90),
    firstYear: props.firstYear ?? 2025,
    cutoff: props.bytesScannedCutoffPerQuery ?? DEFAULT_CUTOFF_BYTES,
    resultsExpiration: props.queryResultsExpiration ?? Duration.days(30),
    engineVersion: props.engineVersion ?? 'Athena engine version 3',
    databaseName: props.databaseName ?? Names.uniqueResourceName(scope, { maxLength: 255, separator: '_' }).toLowerCase(),
    tableName: props.tableName ?? 'events',
    workGroupName: props.workGroupName ?? Names.uniqueResourceName(scope, { maxLength: 128, separator: '-' }),
    path: scope.node.path,
  };
}

/** Every problem of an `EventArchive`'s props, thrown as one error. */
export function validateEventArchiveProps(props: EventArchiveProps, r: ResolvedArchiveProps): void {
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
