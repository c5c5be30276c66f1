import { randomBytes } from 'crypto';
import * as path from 'path';
import { CreateStreamCommand, DeleteStreamCommand, DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { canConnect, freePort, spawnEngine } from './_process';
import { LocalEngine, StartedEngine } from './index';

/**
 * kinesalite (a Kinesis Data Streams implementation on LevelDB, in memory here) on 127.0.0.1.
 * Publishes KINESIS_ENDPOINT. Streams become ACTIVE at once (createStreamMs 0).
 */
export const engine: LocalEngine = {
  name: 'kinesalite',
  async start(): Promise<StartedEngine> {
    const port = await freePort();
    const cli = path.join(path.dirname(require.resolve('kinesalite/package.json')), 'cli.js');
    const spawned = await spawnEngine({
      name: 'kinesalite',
      command: process.execPath,
      args: [cli, '--port', String(port), '--createStreamMs', '0', '--deleteStreamMs', '0', '--updateStreamMs', '0', '--shardLimit', '100'],
      ready: () => canConnect(port),
      timeoutMs: 30_000,
    });
    return { name: 'kinesalite', env: { KINESIS_ENDPOINT: `http://127.0.0.1:${port}` }, stop: () => spawned.stop() };
  },
};

/** A client for the running kinesalite (HTTP/1.1, as kinesalite needs); fails clearly when it was not started. */
export function kinesisClient(): KinesisClient {
  const endpoint = process.env.KINESIS_ENDPOINT;
  if (!endpoint) throw new Error('KINESIS_ENDPOINT is not set: run the tests with RAMPART_ENGINES including kinesalite');
  return new KinesisClient({
    endpoint,
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    requestHandler: new NodeHttpHandler(),
  });
}

export interface TestStream {
  readonly streamName: string;
  readonly client: KinesisClient;
  /** Every record in the stream so far (all shards, from the start), as UTF-8 strings. */
  records(): Promise<string[]>;
  destroy(): Promise<void>;
}

/** A uniquely named stream with `shards` shards for one test file. */
export async function createTestStream(prefix: string, shards = 1): Promise<TestStream> {
  const client = kinesisClient();
  const streamName = `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`;
  await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shards }));
  for (let i = 0; i < 50; i++) {
    const d = await client.send(new DescribeStreamCommand({ StreamName: streamName }));
    if (d.StreamDescription?.StreamStatus === 'ACTIVE') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    streamName,
    client,
    records: async () => {
      const d = await client.send(new DescribeStreamCommand({ StreamName: streamName }));
      const out: string[] = [];
      for (const shard of d.StreamDescription?.Shards ?? []) {
        let iterator = (await client.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
        while (iterator) {
          const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
          out.push(...(page.Records ?? []).map((r) => Buffer.from(r.Data!).toString('utf8')));
          if (!page.Records?.length || page.MillisBehindLatest === 0) break;
          iterator = page.NextShardIterator;
        }
      }
      return out;
    },
    destroy: async () => {
      try {
        await client.send(new DeleteStreamCommand({ StreamName: streamName }));
      } finally {
        client.destroy();
      }
    },
  };
}
