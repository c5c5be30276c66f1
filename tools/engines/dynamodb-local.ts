import { execFileSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import {
  AttributeDefinition,
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  DynamoDBClientConfig,
  GlobalSecondaryIndex,
  KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import { canConnect, freePort, spawnEngine } from './_process';
import { LocalEngine, StartedEngine } from './index';

/**
 * AWS's DynamoDB Local (transactions, conditions, GSIs, TTL attributes) on 127.0.0.1.
 *
 * The jar ships inside the npm package `amplify-dynamodb-simulator`; we `npm pack` it once into a
 * cache folder instead of installing that package (and its dependency tree). Java 17 runs it.
 */
const PACKAGE = 'amplify-dynamodb-simulator@2.9.30';
const CACHE_ROOT = path.resolve(__dirname, '..', '..', 'node_modules', '.cache', 'dynamodb-local');
const CACHE_DIR = path.join(CACHE_ROOT, PACKAGE.replace('@', '-'));
const JAR = path.join(CACHE_DIR, 'emulator', 'DynamoDBLocal.jar');
const LIB_DIR = path.join(CACHE_DIR, 'emulator', 'DynamoDBLocal_lib');
const COMPLETE_MARKER = path.join(CACHE_DIR, '.complete');

/** Fake credentials and region: DynamoDB Local accepts any, the SDK insists on some. */
const FAKE_AWS_ENV = {
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
};

/**
 * Fetch and unpack the jar once. Idempotent and safe when several processes race: each unpacks
 * into its own temporary folder and renames it into place; the loser discards its copy.
 */
export function ensureDynamoDbLocal(): string {
  if (fs.existsSync(COMPLETE_MARKER)) return JAR;
  fs.mkdirSync(CACHE_ROOT, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(CACHE_ROOT, '.tmp-'));
  try {
    execFileSync('npm', ['pack', PACKAGE, '--pack-destination', tmp, '--silent'], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
    const tarball = fs.readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${PACKAGE} produced no tarball in ${tmp}`);
    execFileSync('tar', ['xzf', tarball, 'package/emulator'], { cwd: tmp });
    fs.writeFileSync(path.join(tmp, 'package', '.complete'), `${PACKAGE}\n`);
    try {
      fs.renameSync(path.join(tmp, 'package'), CACHE_DIR);
    } catch (e: any) {
      // Another process got there first; its copy is complete once the marker is there.
      if (!fs.existsSync(COMPLETE_MARKER)) throw e;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return JAR;
}

/** Resolves true once DynamoDB Local answers an HTTP request (any status: it is the server speaking). */
async function answers(port: number): Promise<boolean> {
  if (!(await canConnect(port))) return false;
  try {
    const res = await fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'DynamoDB_20120810.ListTables' },
      body: '{}',
    });
    await res.text();
    return true;
  } catch {
    return false;
  }
}

export const engine: LocalEngine = {
  name: 'dynamodb-local',
  async start(): Promise<StartedEngine> {
    const jar = ensureDynamoDbLocal();
    const port = await freePort();
    const spawned = await spawnEngine({
      name: 'dynamodb-local',
      command: 'java',
      args: [`-Djava.library.path=${LIB_DIR}`, '-jar', jar, '-inMemory', '-port', String(port)],
      cwd: path.dirname(jar),
      ready: () => answers(port),
      timeoutMs: 60_000,
    });
    return {
      name: 'dynamodb-local',
      env: { DYNAMODB_ENDPOINT: `http://127.0.0.1:${port}`, ...FAKE_AWS_ENV },
      stop: () => spawned.stop(),
    };
  },
};

/** SDK client settings for the running DynamoDB Local; fails clearly when the engine was not started. */
export function dynamoDbClientConfig(): DynamoDBClientConfig {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) {
    throw new Error('DYNAMODB_ENDPOINT is not set: run the tests with RAMPART_ENGINES including dynamodb-local');
  }
  return {
    endpoint,
    region: process.env.AWS_REGION ?? FAKE_AWS_ENV.AWS_REGION,
    credentials: { accessKeyId: FAKE_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: FAKE_AWS_ENV.AWS_SECRET_ACCESS_KEY },
  };
}

export interface TestTableOptions {
  /** Readable part of the name, e.g. the test file's subject. */
  readonly prefix: string;
  /** @default 'pk' (string) */
  readonly partitionKey?: string;
  /** @default - none */
  readonly sortKey?: string;
  /** @default - none */
  readonly globalSecondaryIndexes?: { name: string; partitionKey: string; sortKey?: string }[];
  /** A stream of new and old images. @default false */
  readonly stream?: boolean;
}

export interface TestTable {
  readonly tableName: string;
  readonly client: DynamoDBClient;
  /** The table's stream, when asked for. */
  readonly streamArn?: string;
  /** Delete the table and close the client (call in `afterAll`). */
  destroy(): Promise<void>;
}

/**
 * Create a uniquely named on-demand table on DynamoDB Local for one test file, so files running in
 * parallel workers never see each other's items.
 */
export async function createTestTable(options: TestTableOptions): Promise<TestTable> {
  const client = new DynamoDBClient(dynamoDbClientConfig());
  const tableName = `${options.prefix}-${process.pid}-${randomBytes(4).toString('hex')}`;
  const pk = options.partitionKey ?? 'pk';
  const names = new Set<string>([pk]);
  const keySchema: KeySchemaElement[] = [{ AttributeName: pk, KeyType: 'HASH' }];
  if (options.sortKey) {
    keySchema.push({ AttributeName: options.sortKey, KeyType: 'RANGE' });
    names.add(options.sortKey);
  }
  const gsis: GlobalSecondaryIndex[] = (options.globalSecondaryIndexes ?? []).map((g) => {
    names.add(g.partitionKey);
    if (g.sortKey) names.add(g.sortKey);
    return {
      IndexName: g.name,
      KeySchema: [
        { AttributeName: g.partitionKey, KeyType: 'HASH' },
        ...(g.sortKey ? [{ AttributeName: g.sortKey, KeyType: 'RANGE' as const }] : []),
      ],
      Projection: { ProjectionType: 'ALL' },
    };
  });
  const attributes: AttributeDefinition[] = [...names].map((n) => ({ AttributeName: n, AttributeType: 'S' }));
  const created = await client.send(new CreateTableCommand({
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: keySchema,
    AttributeDefinitions: attributes,
    GlobalSecondaryIndexes: gsis.length > 0 ? gsis : undefined,
    StreamSpecification: options.stream ? { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } : undefined,
  }));
  return {
    tableName,
    client,
    streamArn: created.TableDescription?.LatestStreamArn,
    destroy: async () => {
      try {
        await client.send(new DeleteTableCommand({ TableName: tableName }));
      } finally {
        client.destroy();
      }
    },
  };
}
