import { PutRecordCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { BatchGetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue as StreamAttributeValue, DynamoDBRecord } from 'aws-lambda';
import { InvalidRequest } from './errors';
import { dayOf, randomShard } from './ids';
import { keys } from './keys';
import { isHome } from './regions';
import { STATS_SHARDS } from './settings';
import { cancellationCodes, type PassStore } from '../storage/table';

/**
 * One event of the analytics path, as archived (JSON lines in S3, a Glue table over them). It
 * carries no personal data: no names, no document numbers, no addresses; districts, reasons,
 * statuses and times only.
 */
export interface PassEvent {
  readonly eventId: string;
  readonly eventType: 'pass.applied' | 'pass.approved' | 'pass.rejected' | 'pass.needs-review' | 'pass.revoked' | 'pass.checked' | 'pass.pending';
  readonly occurredAt: string;
  /** `YYYY-MM-DD` the event counts for: the application day for pass events, the check day for checks. */
  readonly day: string;
  readonly passId?: string;
  readonly status?: string;
  readonly previousStatus?: string;
  readonly reason?: string;
  readonly fromDistrict?: string;
  readonly toDistrict?: string;
  readonly startTime?: string;
  readonly durationMinutes?: number;
  readonly decidedBy?: string;
  readonly checkResult?: string;
  readonly checkpoint?: string;
}

/** Where pass events go for the archive. */
export interface EventSink {
  readonly client: KinesisClient;
  readonly streamName: string;
}

type Image = Record<string, unknown>;

function image(raw: Record<string, StreamAttributeValue> | undefined): Image | undefined {
  // The stream's attribute values have the shape the SDK's unmarshall reads.
  return raw ? unmarshall(raw as Parameters<typeof unmarshall>[0]) : undefined;
}

/** The event and the counter changes one stream record stands for (none for other items). */
export function eventOf(record: DynamoDBRecord): { event: PassEvent; counters: Record<string, number> } | undefined {
  const next = image(record.dynamodb?.NewImage);
  const prev = image(record.dynamodb?.OldImage);
  const pk = String((next ?? prev)?.pk ?? '');
  const eventId = record.eventID ?? '';
  const occurredAt = record.dynamodb?.ApproximateCreationDateTime
    ? new Date(record.dynamodb.ApproximateCreationDateTime * 1000).toISOString()
    : new Date().toISOString();
  if (pk.startsWith('PASS#') && next) {
    const base = {
      eventId,
      occurredAt,
      day: dayOf(String(next.createdAt)),
      passId: String(next.passId),
      status: String(next.status),
      reason: String(next.reason),
      fromDistrict: String((next.from as Image)?.district ?? ''),
      toDistrict: String((next.to as Image)?.district ?? ''),
      startTime: String(next.startTime),
      durationMinutes: Number(next.durationMinutes),
    };
    if (record.eventName === 'INSERT') {
      return {
        event: { ...base, eventType: 'pass.applied' },
        counters: { applied: 1, [`status:${base.status}`]: 1, [`reason:${base.reason}`]: 1, [`district:${base.fromDistrict}`]: 1 },
      };
    }
    if (record.eventName === 'MODIFY' && prev && prev.status !== next.status) {
      const decidedBy = (next.decidedBy as Image | undefined)?.kind;
      return {
        event: {
          ...base,
          eventType: `pass.${base.status}` as PassEvent['eventType'],
          previousStatus: String(prev.status),
          decidedBy: decidedBy === undefined ? undefined : String(decidedBy),
        },
        counters: { [`status:${String(prev.status)}`]: -1, [`status:${base.status}`]: 1 },
      };
    }
    return undefined;
  }
  if (pk.startsWith('CHECK#') && next && record.eventName === 'INSERT') {
    const result = String(next.result);
    return {
      event: {
        eventId,
        occurredAt,
        eventType: 'pass.checked',
        day: dayOf(String(next.checkedAt)),
        passId: next.passId === undefined ? undefined : String(next.passId),
        checkResult: result,
        checkpoint: String(next.checkpoint),
      },
      counters: { checks: 1, [`check:${result}`]: 1 },
    };
  }
  return undefined;
}

/** The event as the archive's table reads it: snake_case keys (`count_day`: `day` is a partition). */
export function archiveRecord(event: PassEvent): Record<string, unknown> {
  return {
    event_id: event.eventId,
    event_type: event.eventType,
    occurred_at: event.occurredAt,
    count_day: event.day,
    pass_id: event.passId,
    status: event.status,
    previous_status: event.previousStatus,
    reason: event.reason,
    from_district: event.fromDistrict,
    to_district: event.toDistrict,
    start_time: event.startTime,
    duration_minutes: event.durationMinutes,
    decided_by: event.decidedBy,
    check_result: event.checkResult,
    checkpoint: event.checkpoint,
  };
}

const SEEN_TTL_SECONDS = 3 * 24 * 3600;

/**
 * One stream record: (a) the day's counters are changed exactly once (a `SEEN#<eventId>` marker
 * is put in the same transaction, only if absent; a redelivered record changes nothing), on one
 * of `STATS_SHARDS` items so no single counter item takes every write; then (b) the event goes to
 * the archive's Kinesis stream (at least once: queries count distinct event ids).
 */
export async function recordEvent(
  store: PassStore, sink: EventSink | undefined, record: DynamoDBRecord, now = new Date(),
): Promise<PassEvent | undefined> {
  const found = eventOf(record);
  if (!found) return undefined;
  // Multi-region: every region's stream carries every change, its own and the replicated ones. Only
  // the item's home region counts and archives it (items from before the service had regions: the first).
  const placement = store.placement;
  if (placement) {
    const raw = record.dynamodb?.NewImage ?? record.dynamodb?.OldImage;
    if (!isHome(placement, raw?.homeRegion?.S ?? placement.regions[0])) return undefined;
  }
  const { event, counters } = found;
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  const adds = Object.entries(counters).map(([name, delta], i) => {
    names[`#c${i}`] = name;
    values[`:c${i}`] = delta;
    return `#c${i} :c${i}`;
  });
  try {
    await store.client.send(new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: store.tableName,
            Item: { ...keys.seen(event.eventId), expiresAt: Math.floor(now.getTime() / 1000) + SEEN_TTL_SECONDS },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Update: {
            TableName: store.tableName,
            // Each region counts on its own items (replicated, summed on read): never one item two regions add to.
            Key: keys.stats(event.day, randomShard(STATS_SHARDS), placement?.here),
            UpdateExpression: `ADD ${adds.join(', ')}`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          },
        },
      ],
    }));
  } catch (error) {
    // Already counted: a redelivery. Anything else fails the record (retried from it).
    if (cancellationCodes(error)?.[0] !== 'ConditionalCheckFailed') throw error;
  }
  if (sink) {
    await sink.client.send(new PutRecordCommand({
      StreamName: sink.streamName,
      PartitionKey: event.passId ?? event.eventId,
      Data: Buffer.from(`${JSON.stringify(archiveRecord(event))}\n`),
    }));
  }
  return event;
}

/** One day's figures. */
export interface DayStats {
  readonly day: string;
  readonly applied: number;
  readonly byStatus: Record<string, number>;
  readonly byReason: Record<string, number>;
  readonly byDistrict: Record<string, number>;
  readonly checks: number;
  readonly byCheckResult: Record<string, number>;
}

const MAX_DAYS = 31;

/** The days from `from` to `to` (inclusive, `YYYY-MM-DD`), at most 31. */
export function daysBetween(from: string, to: string): string[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  if (Number.isNaN(start) || Number.isNaN(end) || end < start) throw new InvalidRequest('from and to: dates (YYYY-MM-DD), from not after to');
  const n = (end - start) / 86_400_000 + 1;
  if (n > MAX_DAYS) throw new InvalidRequest(`from and to: at most ${MAX_DAYS} days at a time`);
  return Array.from({ length: n }, (_, i) => dayOf(start + i * 86_400_000));
}

/**
 * The pre-aggregated counters of some days: `days × STATS_SHARDS` items read by key (BatchGetItem,
 * 100 keys a call) and summed. Never a scan, never the passes themselves.
 */
export async function readStats(store: PassStore, days: string[]): Promise<{ days: DayStats[]; totals: Omit<DayStats, 'day'> }> {
  const regions: (string | undefined)[] = store.placement ? [...store.placement.regions] : [undefined];
  const wanted = days.flatMap((day) => regions.flatMap((region) => Array.from({ length: STATS_SHARDS }, (_, s) => keys.stats(day, s, region))));
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < wanted.length; i += 100) {
    type Request = Record<string, { Keys: Record<string, unknown>[] }>;
    let request: Request | undefined = { [store.tableName]: { Keys: wanted.slice(i, i + 100) as unknown as Record<string, unknown>[] } };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
      const out = await store.client.send(new BatchGetCommand({ RequestItems: request }));
      items.push(...(out.Responses?.[store.tableName] ?? []));
      request = out.UnprocessedKeys as typeof request;
      if (attempt > 8 && request && Object.keys(request).length > 0) throw new Error('Statistics: DynamoDB left keys unprocessed after retries');
    }
  }
  const empty = (): Omit<DayStats, 'day'> => ({ applied: 0, byStatus: {}, byReason: {}, byDistrict: {}, checks: 0, byCheckResult: {} });
  const perDay = new Map(days.map((d) => [d, empty()]));
  const totals = empty();
  const add = (target: Omit<DayStats, 'day'>, name: string, n: number) => {
    const [kind, value] = name.includes(':') ? [name.slice(0, name.indexOf(':')), name.slice(name.indexOf(':') + 1)] : [name, ''];
    const t = target as { -readonly [K in keyof DayStats]: DayStats[K] };
    if (kind === 'applied') t.applied += n;
    else if (kind === 'checks') t.checks += n;
    else if (kind === 'status') t.byStatus[value] = (t.byStatus[value] ?? 0) + n;
    else if (kind === 'reason') t.byReason[value] = (t.byReason[value] ?? 0) + n;
    else if (kind === 'district') t.byDistrict[value] = (t.byDistrict[value] ?? 0) + n;
    else if (kind === 'check') t.byCheckResult[value] = (t.byCheckResult[value] ?? 0) + n;
  };
  for (const item of items) {
    const day = String(item.pk).split('#')[1];
    const target = perDay.get(day);
    if (!target) continue;
    for (const [name, value] of Object.entries(item)) {
      if (name === 'pk' || name === 'sk' || typeof value !== 'number') continue;
      add(target, name, value);
      add(totals, name, value);
    }
  }
  return { days: days.map((day) => ({ day, ...perDay.get(day)! })), totals };
}
