/**
 * Rewards: a transaction accepted (the API's 201) → visible in the users domain (its row in
 * PostgreSQL), locally. The pieces are the example's own: the local run's API (DynamoDB Local),
 * the transactions forwarder fed from the transactions table's stream (DynamoDB Local Streams,
 * polled as Lambda's event source mapping polls it), kinesalite as the transactions stream, and
 * the users domain's loader (`applyRecords`) reading the stream into PostgreSQL.
 *
 *   npx projen bench --only rewards-latency [--transactions 200] [--poll-ms 250]
 *
 * Figures, not assertions. Deployed, the event source mappings' polling and batching windows
 * (1 s on the table stream, about 1 s per Kinesis GetRecords) dominate; locally both pollers wait
 * `--poll-ms` between reads, so that is the floor of what is measured here.
 */
import { randomUUID } from 'crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand as DescribeTableStream, DynamoDBStreamsClient, GetRecordsCommand as GetTableRecords, GetShardIteratorCommand as GetTableShardIterator } from '@aws-sdk/client-dynamodb-streams';
import { DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-kinesis';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { Client } from 'pg';
import { STARTER_RULES } from '../../examples/rewards/domain/policies/pricing';
import { REWARDS_ENV } from '../../examples/rewards/domain/settings';
import { startRewardsLocal } from '../../examples/rewards/local-options';
import { REWARDS_SYSTEM } from '../../examples/rewards/system';
import { applyRecords, MIGRATIONS_DIR, type StreamRecord } from '../../examples/rewards/users-domain/users-domain';
import { engine as dynamoDbLocal } from '../../tools/engines/dynamodb-local';
import { createTestStream, engine as kinesalite } from '../../tools/engines/kinesalite';
import { engine as postgres, postgresConnection } from '../../tools/engines/postgres';
import { percentile, type SectionResult } from '../lib/measure';

export interface RewardsLatencyOptions {
  readonly log?: boolean;
  /** Transactions sent, one after another. @default 200 */
  readonly transactions?: number;
  /** Milliseconds each poller waits between two reads. @default 250 */
  readonly pollMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LOCAL = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

export async function runRewardsLatency(options: RewardsLatencyOptions = {}): Promise<SectionResult> {
  const count = options.transactions ?? 200;
  const pollMs = options.pollMs ?? 250;
  const log = (m: string) => { if (options.log) process.stderr.write(`  rewards-latency: ${m}\n`); };
  const engines = await Promise.all([dynamoDbLocal.start(), kinesalite.start(), postgres.start()]);
  for (const e of engines) Object.assign(process.env, e.env);
  Object.assign(process.env, { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_SERVICE_NAME: 'rewards', POWERTOOLS_METRICS_NAMESPACE: 'rewards', POWERTOOLS_TRACE_ENABLED: 'false' });
  const stream = await createTestStream('rewards-transactions');
  process.env[REWARDS_ENV.TRANSACTIONS_STREAM] = stream.streamName;
  const local = await startRewardsLocal({ dynamoDbEndpoint: process.env.DYNAMODB_ENDPOINT, log: false });
  const database = `rewards_latency_${process.pid}`;
  const admin = new Client(postgresConnection());
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database}`);
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the migrations bundle DatabaseMigrations deploys
  const { migrate } = require('../../assets/data/database-migrations.lambda/index.js');
  await migrate(postgresConnection(database), { dir: MIGRATIONS_DIR, log: () => undefined });
  const db = new Client(postgresConnection(database));
  await db.connect();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded once the local run set its environment
  const forwarder = require(`../../examples/rewards/handlers/${REWARDS_SYSTEM.workers.transactionsForwarder.handlerName}`).handler as (e: { Records: DynamoDBRecord[] }) => Promise<unknown>;
  const dynamo = new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT, ...LOCAL });
  const streams = new DynamoDBStreamsClient({ endpoint: process.env.DYNAMODB_ENDPOINT, ...LOCAL });
  let running = true;
  const visibleAt = new Map<string, number>();
  try {
    const api = local.apiUrl.replace(/\/$/, '');
    const call = (method: string, p: string, token: string, body: unknown) => fetch(`${api}${p}`, { method, headers: { 'content-type': 'application/json', 'authorization': `Bearer ${token}` }, body: JSON.stringify(body) });
    const rules = await call('PUT', '/rules', 'admin-token', { expectedVersion: 0, rules: STARTER_RULES });
    if (rules.status !== 200) throw new Error(`PUT /rules answered ${rules.status}: ${await rules.text()}`);
    const doc = DynamoDBDocumentClient.from(dynamo);
    const accounts = local.tables[REWARDS_SYSTEM.tables.accounts.envName];
    const now = new Date().toISOString();
    await doc.send(new PutCommand({ TableName: accounts, Item: { pk: 'civilian-1', kind: 'civilian', balance: count * 10, createdAt: now } }));
    await doc.send(new PutCommand({ TableName: accounts, Item: { pk: 'merchant-1', kind: 'merchant', balance: 0, createdAt: now } }));

    // The table stream → the forwarder (as the event source mapping: INSERTs only, in order).
    const tableStreamArn = local.streams[REWARDS_SYSTEM.tables.transactions.envName];
    const shards = (await streams.send(new DescribeTableStream({ StreamArn: tableStreamArn }))).StreamDescription?.Shards ?? [];
    const tablePump = (async () => {
      const last = new Map<string, string | undefined>();
      // DynamoDB Local refuses some iterators of a shard that had no records yet (TrimmedDataAccess):
      // a fresh one after the last record read (or from the start) carries on where the reads were.
      const iteratorOf = async (shardId: string) => (await streams.send(new GetTableShardIterator({
        StreamArn: tableStreamArn,
        ShardId: shardId,
        ...(last.get(shardId) ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: last.get(shardId) } : { ShardIteratorType: 'TRIM_HORIZON' }),
      }))).ShardIterator;
      const iterators = new Map<string, string | undefined>();
      for (const s of shards) iterators.set(s.ShardId!, await iteratorOf(s.ShardId!));
      while (running) {
        for (const [id, it] of iterators) {
          if (!it) continue;
          let page;
          try {
            page = await streams.send(new GetTableRecords({ ShardIterator: it, Limit: 100 }));
          } catch (e: any) {
            if (e?.name !== 'TrimmedDataAccessException' && e?.name !== 'ExpiredIteratorException') throw e;
            iterators.set(id, await iteratorOf(id));
            continue;
          }
          iterators.set(id, page.NextShardIterator);
          if (page.Records?.length) last.set(id, page.Records[page.Records.length - 1].dynamodb?.SequenceNumber);
          // As Lambda delivers them: the same images, the creation time in epoch seconds.
          const records = (page.Records ?? []).filter((r) => r.eventName === 'INSERT').map((r) => ({
            eventID: r.eventID,
            eventName: r.eventName,
            eventSource: 'aws:dynamodb',
            awsRegion: 'us-east-1',
            dynamodb: { ...r.dynamodb, ApproximateCreationDateTime: (r.dynamodb?.ApproximateCreationDateTime?.getTime() ?? 0) / 1000 },
          }) as unknown as DynamoDBRecord);
          if (records.length > 0) await forwarder({ Records: records });
        }
        await sleep(pollMs);
      }
    })();
    // The transactions stream → the users domain's loader.
    const streamShards = (await stream.client.send(new DescribeStreamCommand({ StreamName: stream.streamName }))).StreamDescription?.Shards ?? [];
    const loaderPump = (async () => {
      let it = (await stream.client.send(new GetShardIteratorCommand({ StreamName: stream.streamName, ShardId: streamShards[0].ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
      while (running && it) {
        const page = await stream.client.send(new GetRecordsCommand({ ShardIterator: it, Limit: 1000 }));
        it = page.NextShardIterator;
        const records = (page.Records ?? []).map((r) => JSON.parse(Buffer.from(r.Data!).toString('utf8')) as StreamRecord);
        if (records.length > 0) {
          await applyRecords(db, records);
          const at = Date.now();
          for (const r of records) if (!visibleAt.has(String(r.transaction_id))) visibleAt.set(String(r.transaction_id), at);
        }
        await sleep(pollMs);
      }
    })();

    log(`${count} exchanges, pollers every ${pollMs} ms`);
    const acceptedAt = new Map<string, number>();
    for (let i = 0; i < count; i++) {
      const transactionId = randomUUID();
      const res = await call('POST', '/transactions', 'civilian-token', { kind: 'exchange', transactionId, merchantId: 'merchant-1', units: 1, goods: 'coffee' });
      if (res.status !== 201 && res.status !== 200) throw new Error(`POST /transactions answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
      acceptedAt.set(transactionId, Date.now());
      await sleep(20 + (i % 7) * 15);
    }
    const deadline = Date.now() + 60_000;
    while ([...acceptedAt.keys()].some((id) => !visibleAt.has(id)) && Date.now() < deadline) await sleep(100);
    running = false;
    await Promise.all([tablePump, loaderPump]);
    const latencies = [...acceptedAt].filter(([id]) => visibleAt.has(id)).map(([id, t]) => visibleAt.get(id)! - t);
    const missing = count - latencies.length;
    const rows = Number((await db.query('SELECT count(*) AS n FROM transactions')).rows[0].n);
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    const max = Math.max(...latencies);
    const lines = [
      '## 5. Rewards: transaction accepted → visible in the users domain', '',
      `${count} exchanges through the local run's API (DynamoDB Local), the transactions forwarder fed from the table's stream, kinesalite, and the users domain's loader into PostgreSQL; both pollers wait ${pollMs} ms between reads.`, '',
      '| transactions | visible | p50 | p99 | max | rows in PostgreSQL |', '|---|---|---|---|---|---|',
      `| ${count} | ${latencies.length} | ${p50.toFixed(0)} ms | ${p99.toFixed(0)} ms | ${max.toFixed(0)} ms | ${rows} |`, '',
      'Deployed, the table stream\'s event source mapping (1 s batching window) and the Kinesis consumer\'s polling add their own intervals; the design\'s target there is 2 minutes.', '',
    ];
    const headline = `Rewards: transaction accepted → visible in the users domain (local, ${pollMs} ms polling): p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms over ${count}; ${missing} not visible within 60 s`;
    console.log(headline);
    return { markdown: lines.join('\n'), headlines: [headline], goals: [] };
  } finally {
    running = false;
    await db.end().catch(() => undefined);
    dynamo.destroy();
    streams.destroy();
    await local.stop();
    await stream.destroy();
    for (const e of engines) await e.stop();
  }
}

if (require.main === module) {
  runRewardsLatency({ log: true }).then((r) => console.log(r.markdown)).catch((e) => { console.error(e); process.exit(1); });
}
