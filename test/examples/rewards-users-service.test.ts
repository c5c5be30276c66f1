import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { Client } from 'pg';
import { at, transactionRecord, userRecord } from './rewards-users-records';
import { iamAuthToken } from '../../examples/rewards/users-domain/server';
import { MIGRATIONS_DIR } from '../../examples/rewards/users-domain/users-domain';
import type * as Migrations from '../../src/data/database-migrations.lambda';
import { freePort } from '../../tools/engines/_process';
import { createTestStream, type TestStream } from '../../tools/engines/kinesalite';
import { postgresConnection } from '../../tools/engines/postgres';

/**
 * The users domain's service as a plain local process (what the container runs): it reads both
 * streams (kinesalite) into PostgreSQL and answers the four questions over HTTP on 127.0.0.1.
 * A record put twice and a record of no known type change nothing.
 */

const BUNDLE = path.resolve(__dirname, '../../assets/data/database-migrations.lambda/index.js');
if (!fs.existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run 'npx projen bundle'`);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { migrate } = require(BUNDLE) as typeof Migrations;

const DATABASE = `rewards_users_service_${process.pid}`;
const tx = transactionRecord;
const USERS = [userRecord('civ-1', 'civilian', '07:00'), userRecord('off-1', 'officer', '07:10'), userRecord('shop-1', 'merchant', '07:20'), userRecord('fam-1', 'family', '07:30')];
const TRANSACTIONS = [tx('encounter', 'civ-1', 'off-1', 1, 10, 5, '09:00'), tx('exchange', 'civ-1', 'shop-1', 3, -1, 1, '12:00', 'coffee'),
  tx('donation', 'civ-1', 'fam-1', 4, -1, 1, '16:00')];

let users: TestStream;
let transactions: TestStream;
let child: ChildProcess;
let base: string;
let logs = '';

async function put(stream: TestStream, data: unknown[]) {
  await stream.client.send(new PutRecordsCommand({ StreamName: stream.streamName, Records: data.map((d, i) => ({ Data: Buffer.from(typeof d === 'string' ? d : JSON.stringify(d)), PartitionKey: `k${i}` })) }));
}
async function get(p: string, method = 'GET') {
  const res = await fetch(`${base}${p}`, { method });
  return { status: res.status, body: await res.json() };
}
async function until<T>(what: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; ; i++) {
    const v = await what().catch(() => undefined as T);
    if (v !== undefined && ok(v)) return v;
    if (i > 100) throw new Error(`gave up waiting; service output:\n${logs}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  const admin = new Client(postgresConnection());
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  await admin.end();
  await migrate(postgresConnection(DATABASE), { dir: MIGRATIONS_DIR, log: () => undefined });
  users = await createTestStream('rewards-users');
  transactions = await createTestStream('rewards-transactions');
  await put(users, [...USERS, USERS[0]]);
  await put(transactions, [...TRANSACTIONS, 'not json', { event_type: 'something-else' }, TRANSACTIONS[0]]);
  const pg = postgresConnection(DATABASE);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, [require.resolve('ts-node/dist/bin'), '--swc', 'examples/rewards/users-domain/server.ts'], {
    cwd: path.resolve(__dirname, '../..'),
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      POLL_MS: '100',
      PGHOST: pg.host,
      PGPORT: String(pg.port),
      PGUSER: pg.user,
      PGPASSWORD: pg.password,
      PGDATABASE: pg.database,
      REWARDS_USERS_STREAM: users.streamName,
      REWARDS_TRANSACTIONS_STREAM: transactions.streamName,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => { logs += d; });
  child.stderr!.on('data', (d) => { logs += d; });
}, 30_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  await users?.destroy();
  await transactions?.destroy();
  const admin = new Client(postgresConnection());
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
  await admin.end();
});

describe('users service (local process)', () => {
  test('reads both streams into the model and answers the four questions over HTTP', async () => {
    expect((await until(() => get('/health'), (r) => r.status === 200)).body).toEqual({ status: 'ok' });
    const civilian = await until(() => get('/users/civ-1/profile'), (r) => r.status === 200 && r.body.transactions === 3);
    expect(civilian.body).toEqual({ user_id: 'civ-1', kind: 'civilian', created_at: at('07:00'), transactions: 3, points: 10 - 3 - 4 });
    await until(() => get('/users/fam-1/profile'), (r) => r.status === 200);
    expect((await get('/civilians/civ-1/officers-met')).body).toEqual([{ officer_id: 'off-1', encounters: 1, last_met: at('09:00') }]);
    expect((await get('/recipients/fam-1/donations')).body).toEqual([{ transaction_id: 'tx-3', donor_id: 'civ-1', points: 4, occurred_at: at('16:00') }]);
    expect((await get('/merchants/shop-1/goods-sold')).body).toEqual([{ goods: 'coffee', units: 3, points: 3, exchanges: 1 }]);
    expect(logs).toContain('skipped a record');
  }, 20_000);

  test('refuses what it does not answer with 4xx JSON naming the field', async () => {
    expect(await get('/users/nobody/profile')).toEqual({ status: 404, body: expect.objectContaining({ error: 'NotFound', field: 'userId' }) });
    expect(await get(`/merchants/${'x'.repeat(200)}/goods-sold`)).toEqual({ status: 400, body: expect.objectContaining({ field: 'merchantId' }) });
    expect(await get('/civilians/a%20b/officers-met')).toEqual({ status: 400, body: expect.objectContaining({ field: 'civilianId' }) });
    expect((await get('/users/civ-1')).status).toBe(404);
    expect((await get('/users/civ-1/profile', 'POST')).status).toBe(405);
  });

  test('deployed, it logs in to the proxy with an IAM authentication token it signs itself', async () => {
    const keys = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'local';
    try {
      const token = await iamAuthToken('proxy.example', 5432, 'dbadmin', 'eu-west-1');
      expect(token).toMatch(/^proxy\.example:5432\/\?/);
      const query = new URLSearchParams(token.split('?')[1]);
      expect(query.get('Action')).toBe('connect');
      expect(query.get('DBUser')).toBe('dbadmin');
      expect(query.get('X-Amz-Credential')).toMatch(/^AKIDEXAMPLE\/\d{8}\/eu-west-1\/rds-db\/aws4_request$/);
      expect(query.get('X-Amz-Expires')).toBe('900');
      expect(query.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      process.env.AWS_ACCESS_KEY_ID = keys.id;
      process.env.AWS_SECRET_ACCESS_KEY = keys.secret;
      if (keys.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      if (keys.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    }
  });
});
