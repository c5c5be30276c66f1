import { DeleteItemCommand, PutItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';

/**
 * A simulation of DynamoDB global table replication over local tables, for the tests of the
 * multi-region pass service (test/examples/pass-active.test.ts) and for trying it on a laptop.
 * DynamoDB Local has no global tables; this replays what AWS documents of them
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html):
 *
 * - every write to one replica is applied to every other replica, asynchronously, after a lag
 *   (`delayMs`; AWS states typically within a second, for multi-Region eventual consistency);
 * - concurrent writes to one item resolve last-writer-wins on the write's timestamp (here the
 *   stream record's `ApproximateCreationDateTime`, ties broken by region name, so every replica
 *   settles on the same item);
 * - each replica's stream carries both its own writes and the replicated ones, which carry no
 *   marker of their origin (so a consumer must tell them apart by the item itself);
 * - a lost region replicates nothing more: writes it made that were not yet applied elsewhere are
 *   missing from the other replicas (the RPO), and nothing reaches it.
 *
 * What it does not reproduce: the exact tie-breaking AWS uses, item-level timestamps finer than the
 * stream's, and a write landing between its own read of a replica's stream and its apply (the
 * tests drain the streams before applying). Transactions replicate item by item, as AWS documents
 * (a transaction is atomic only in the region that made it).
 */

/** One replica of the simulated global table. */
export interface SimulatedReplica {
  readonly region: string;
  readonly tableName: string;
  readonly streamArn: string;
}

/** A record of a replica's stream, as Lambda delivers it, and whether it was a replicated write. */
export interface ReplicaRecord {
  readonly record: DynamoDBRecord;
  readonly replicated: boolean;
}

export interface LocalReplicationOptions {
  /** DynamoDB Local's endpoint (tables and streams). */
  readonly endpoint: string;
  /** A client of the tables (PutItem, DeleteItem). */
  readonly client: DynamoDBClient;
  readonly replicas: readonly SimulatedReplica[];
  /** How long a write takes to reach the other replicas. @default 0 */
  readonly delayMs?: number;
}

interface Pending {
  readonly from: string;
  readonly to: string;
  readonly due: number;
  readonly stamp: Stamp;
  readonly keys: Record<string, AttributeValue>;
  readonly image?: Record<string, AttributeValue>;
}

interface Stamp {
  readonly at: number;
  readonly region: string;
}

const later = (a: Stamp, b: Stamp | undefined) => !b || a.at > b.at || (a.at === b.at && a.region > b.region);

/** A canonical text of an item image (attribute order aside), to recognise a replicated write in a stream. */
function canonical(value: unknown): string {
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString('base64'));
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const keyText = (keys: Record<string, AttributeValue> | undefined) => canonical(keys ?? {});

/** The SDK's stream record in the shape Lambda gives a function (epoch seconds, the region named). */
function lambdaRecord(r: StreamRecord, region: string): DynamoDBRecord {
  const d = r.dynamodb!;
  const at = d.ApproximateCreationDateTime;
  return {
    eventID: r.eventID,
    eventName: r.eventName as DynamoDBRecord['eventName'],
    eventVersion: r.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    dynamodb: {
      Keys: d.Keys as never,
      NewImage: d.NewImage as never,
      OldImage: d.OldImage as never,
      SequenceNumber: d.SequenceNumber,
      SizeBytes: d.SizeBytes,
      StreamViewType: d.StreamViewType as never,
      ApproximateCreationDateTime: at instanceof Date ? at.getTime() / 1000 : Number(at ?? Date.now() / 1000),
    },
  };
}

/** Replicates local tables into one another as a global table does; see the module comment. */
export class LocalReplication {
  private readonly streams: DynamoDBStreamsClient;
  private readonly delayMs: number;
  private readonly iterators = new Map<string, Map<string, string | undefined>>();
  private readonly lastSequence = new Map<string, string>();
  /** Per replica: the stamp of its latest own write. */
  private readonly clock = new Map<string, number>();
  /** Per replica and item: the stamp of the write it holds. */
  private readonly held = new Map<string, Map<string, Stamp>>();
  /** Per replica and item: images this replicator wrote and has not yet seen in the replica's stream. */
  private readonly applied = new Map<string, Map<string, string[]>>();
  private pending: Pending[] = [];
  private readonly lost = new Set<string>();
  private readonly listeners = new Map<string, ((records: ReplicaRecord[]) => Promise<void>)[]>();
  private pumping: Promise<void> = Promise.resolve();
  /** Writes replicated, and replicated writes dropped because the replica held a later one. */
  public readonly counts = { replicated: 0, superseded: 0, lostInFlight: 0 };

  constructor(private readonly options: LocalReplicationOptions) {
    this.delayMs = options.delayMs ?? 0;
    this.streams = new DynamoDBStreamsClient({
      endpoint: options.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    for (const r of options.replicas) {
      this.iterators.set(r.region, new Map());
      this.held.set(r.region, new Map());
      this.applied.set(r.region, new Map());
    }
  }

  /** Every record of `region`'s stream (its own writes and the replicated ones) goes to `listener`, in order. */
  onRecords(region: string, listener: (records: ReplicaRecord[]) => Promise<void>): void {
    this.listeners.set(region, [...(this.listeners.get(region) ?? []), listener]);
  }

  /** The region is lost: its stream is no longer read, its writes in flight never arrive, nothing reaches it. */
  lose(region: string): void {
    this.lost.add(region);
    const before = this.pending.length;
    this.pending = this.pending.filter((p) => p.from !== region && p.to !== region);
    this.counts.lostInFlight += before - this.pending.length;
  }

  /** How many writes are on their way (read from a stream, not yet applied). */
  get inFlight(): number {
    return this.pending.length;
  }

  /** One round: read every live replica's stream, then apply the writes whose lag has passed. */
  pump(): Promise<void> {
    this.pumping = this.pumping.then(() => this.round());
    return this.pumping;
  }

  /** Rounds until nothing is in flight (waiting out the lag). */
  async settle(): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      await this.pump();
      if (this.pending.length === 0) {
        await this.pump(); // the replicated writes' own stream records, to the listeners
        return;
      }
      const next = Math.min(...this.pending.map((p) => p.due)) - Date.now();
      await new Promise((r) => setTimeout(r, Math.max(5, Math.min(next, 200))));
    }
    throw new Error('Replication did not settle');
  }

  close(): void {
    this.streams.destroy();
  }

  private live(): SimulatedReplica[] {
    return this.options.replicas.filter((r) => !this.lost.has(r.region));
  }

  private async round(): Promise<void> {
    // Due as of the round's start: what this round reads waits at least one round (with a lag at all).
    const now = Date.now();
    for (const replica of this.live()) await this.readStream(replica);
    const due = this.pending.filter((p) => p.due <= now);
    this.pending = this.pending.filter((p) => p.due > now);
    for (const p of due) await this.apply(p);
  }

  private async readStream(replica: SimulatedReplica): Promise<void> {
    const iterators = this.iterators.get(replica.region)!;
    const description = await this.streams.send(new DescribeStreamCommand({ StreamArn: replica.streamArn }));
    for (const shard of description.StreamDescription?.Shards ?? []) {
      const id = shard.ShardId!;
      const fresh = async () => {
        const after = this.lastSequence.get(`${replica.region}/${id}`);
        const it = await this.streams.send(new GetShardIteratorCommand({
          StreamArn: replica.streamArn,
          ShardId: id,
          ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' }),
        }));
        return it.ShardIterator;
      };
      if (!iterators.has(id)) iterators.set(id, await fresh());
      let iterator = iterators.get(id);
      let refreshes = 0;
      while (iterator) {
        let page;
        try {
          page = await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        } catch (error) {
          // DynamoDB Local answers a held iterator so now and then; a new one after the last record read continues.
          if (!/TrimmedDataAccess|ExpiredIterator/.test(String((error as Error).name)) || ++refreshes > 3) throw error;
          iterator = await fresh();
          continue;
        }
        const records = page.Records ?? [];
        if (records.length > 0) {
          this.lastSequence.set(`${replica.region}/${id}`, records[records.length - 1].dynamodb!.SequenceNumber!);
          await this.received(replica.region, records);
        }
        iterators.set(id, page.NextShardIterator);
        if (records.length === 0) break;
        iterator = page.NextShardIterator;
      }
    }
  }

  private async received(region: string, records: StreamRecord[]): Promise<void> {
    const out: ReplicaRecord[] = [];
    for (const r of records) {
      const keys = r.dynamodb?.Keys ?? {};
      const image = r.dynamodb?.NewImage;
      const text = keyText(keys);
      const expected = this.applied.get(region)!.get(text);
      const mine = image ? canonical(image) : 'REMOVE';
      if (expected && expected[0] === mine) {
        expected.shift();
        out.push({ record: lambdaRecord(r, region), replicated: true });
        continue;
      }
      // The replica's own write: it holds it now, and it goes to every other live replica after the lag.
      // The stream's time is coarse (DynamoDB Local: whole seconds): a replica's own writes keep their stream order.
      const at = r.dynamodb?.ApproximateCreationDateTime;
      const stamp: Stamp = { at: Math.max(at instanceof Date ? at.getTime() : Date.now(), (this.clock.get(region) ?? 0) + 1), region };
      this.clock.set(region, stamp.at);
      this.held.get(region)!.set(text, stamp);
      for (const other of this.live().filter((o) => o.region !== region)) {
        this.pending.push({ from: region, to: other.region, due: Date.now() + this.delayMs, stamp, keys, image });
      }
      out.push({ record: lambdaRecord(r, region), replicated: false });
    }
    for (const listener of this.listeners.get(region) ?? []) await listener(out);
  }

  private async apply(p: Pending): Promise<void> {
    if (this.lost.has(p.to)) return;
    const text = keyText(p.keys);
    const held = this.held.get(p.to)!;
    if (!later(p.stamp, held.get(text))) {
      this.counts.superseded++;
      return;
    }
    const table = this.options.replicas.find((r) => r.region === p.to)!.tableName;
    const expected = this.applied.get(p.to)!;
    expected.set(text, [...(expected.get(text) ?? []), p.image ? canonical(p.image) : 'REMOVE']);
    if (p.image) await this.options.client.send(new PutItemCommand({ TableName: table, Item: p.image }));
    else await this.options.client.send(new DeleteItemCommand({ TableName: table, Key: p.keys }));
    held.set(text, p.stamp);
    this.counts.replicated++;
  }
}
