import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { Client } from 'pg';
import type * as Handler from '../../src/data/database-migrations.lambda';
import { migrationsHash } from '../../src/data/private/migration-files';
import { postgresConnection } from '../../tools/engines/postgres';

// The bundle that deploys (esbuild, `npx projen bundle`), not the TypeScript source: what runs in Lambda is what is tested.
const BUNDLE = path.resolve(__dirname, '../../assets/data/database-migrations.lambda/index.js');
if (!fs.existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run 'npx projen bundle'`);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { migrate, handle } = require(BUNDLE) as typeof Handler;

let databases = 0;
/** A database of its own for each test, on the PostgreSQL the test setup started. */
async function freshDatabase(): Promise<ReturnType<typeof postgresConnection>> {
  const name = `migrations_${process.pid}_${++databases}`;
  const admin = new Client(postgresConnection());
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return postgresConnection(name);
}

async function query<T = any>(connection: ReturnType<typeof postgresConnection>, sql: string): Promise<T[]> {
  const client = new Client(connection);
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

const tables = async (c: ReturnType<typeof postgresConnection>) =>
  (await query(c, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name")).map((r) => r.table_name);
const recorded = async (c: ReturnType<typeof postgresConnection>) =>
  (await query(c, 'SELECT name FROM schema_migrations ORDER BY id')).map((r) => r.name);

/** A migrations folder holding these files. */
function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-migrations-'));
  for (const [name, sql] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), sql);
  return dir;
}

const FIRST = {
  '0001_accounts.sql': 'CREATE TABLE accounts (id serial PRIMARY KEY, email text NOT NULL UNIQUE);',
  '0002_orders.sql': '-- Up Migration\nCREATE TABLE orders (id serial PRIMARY KEY, account integer NOT NULL REFERENCES accounts);\nINSERT INTO accounts (email) VALUES (\'first@example.com\');\n-- Down Migration\nDROP TABLE orders;',
  'README.md': 'not a migration',
};
const quiet = () => undefined;

describe('migration runner (node-pg-migrate, in the deployed bundle) on PostgreSQL', () => {
  test('applies the .sql files in order and records them', async () => {
    const db = await freshDatabase();
    const applied = await migrate(db, { dir: folder(FIRST), log: quiet });
    expect(applied).toEqual(['0001_accounts.sql', '0002_orders.sql']);
    expect(await tables(db)).toEqual(['accounts', 'orders', 'schema_migrations']);
    expect(await recorded(db)).toEqual(['0001_accounts', '0002_orders']);
    // Only the up section ran: the down section would have dropped the table.
    expect(await query(db, 'SELECT email FROM accounts')).toEqual([{ email: 'first@example.com' }]);
  });

  test('applying again is a no-op; a new file is applied alone', async () => {
    const db = await freshDatabase();
    const dir = folder(FIRST);
    await migrate(db, { dir, log: quiet });
    expect(await migrate(db, { dir, log: quiet })).toEqual([]);
    expect(await query(db, 'SELECT count(*)::int AS n FROM accounts')).toEqual([{ n: 1 }]);
    fs.writeFileSync(path.join(dir, '0003_index.sql'), 'CREATE INDEX orders_account ON orders (account);');
    expect(await migrate(db, { dir, log: quiet })).toEqual(['0003_index.sql']);
    expect(await recorded(db)).toEqual(['0001_accounts', '0002_orders', '0003_index']);
  });

  test('a failing migration rolls back with the other pending ones, names its file, and leaves the lock free', async () => {
    const db = await freshDatabase();
    const dir = folder(FIRST);
    await migrate(db, { dir, log: quiet });
    fs.writeFileSync(path.join(dir, '0003_invoices.sql'), 'CREATE TABLE invoices (id serial PRIMARY KEY);');
    fs.writeFileSync(path.join(dir, '0004_broken.sql'), "INSERT INTO accounts (email) VALUES ('second@example.com');\nALTER TABLE no_such_table ADD COLUMN x int;");
    await expect(migrate(db, { dir, log: quiet })).rejects.toThrow(/^Migration 0004_broken\.sql failed and was rolled back .*relation "no_such_table" does not exist/);
    // Nothing of 0003 or 0004 remains: no table, no row, no record.
    expect(await tables(db)).toEqual(['accounts', 'orders', 'schema_migrations']);
    expect(await query(db, 'SELECT email FROM accounts')).toEqual([{ email: 'first@example.com' }]);
    expect(await recorded(db)).toEqual(['0001_accounts', '0002_orders']);
    // Fixed, the next run applies both (the failed run's advisory lock is gone).
    fs.writeFileSync(path.join(dir, '0004_broken.sql'), 'ALTER TABLE invoices ADD COLUMN total int;');
    expect(await migrate(db, { dir, log: quiet })).toEqual(['0003_invoices.sql', '0004_broken.sql']);
  });

  test('a file added before one already applied is refused', async () => {
    const db = await freshDatabase();
    const dir = folder(FIRST);
    await migrate(db, { dir, log: quiet });
    fs.writeFileSync(path.join(dir, '0001_a_late_one.sql'), 'CREATE TABLE late (id int);');
    await expect(migrate(db, { dir, log: quiet })).rejects.toThrow(/Not run migration 0001_a_late_one is preceding already run migration/);
    expect(await tables(db)).not.toContain('late');
  });

  test('two runners racing apply each migration once (advisory lock)', async () => {
    const db = await freshDatabase();
    // The first migration holds the lock long enough for the second runner to be waiting on it;
    // CREATE TABLE without IF NOT EXISTS fails if it ever runs twice.
    const dir = folder({
      '0001_slow.sql': 'SELECT pg_sleep(1);\nCREATE TABLE events (id serial PRIMARY KEY, note text);\nINSERT INTO events (note) VALUES (\'once\');',
      '0002_more.sql': 'CREATE TABLE more_events (id int);',
    });
    const runs = await Promise.all([migrate(db, { dir, log: quiet }), migrate(db, { dir, log: quiet }), migrate(db, { dir, log: quiet })]);
    expect(runs.flat().sort()).toEqual(['0001_slow.sql', '0002_more.sql']);
    expect(runs.filter((r) => r.length === 0)).toHaveLength(2);
    expect(await query(db, 'SELECT note FROM events')).toEqual([{ note: 'once' }]);
    expect(await recorded(db)).toEqual(['0001_slow', '0002_more']);
  });
});

/** A stand-in for CloudFormation's pre-signed response URL, recording what the handler answers. */
async function responseUrl(): Promise<{ url: string; answers: any[]; close: () => Promise<void> }> {
  const answers: any[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => { answers.push(JSON.parse(body)); res.end(); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/response`;
  return { url, answers, close: () => new Promise((r) => server.close(() => r())) };
}

describe('custom resource handler', () => {
  let cfn: Awaited<ReturnType<typeof responseUrl>>;
  beforeAll(async () => { cfn = await responseUrl(); });
  afterAll(() => cfn.close());

  function event(type: 'Create' | 'Update' | 'Delete', props: Record<string, string>, old?: Record<string, string>): CloudFormationCustomResourceEvent {
    return {
      RequestType: type,
      ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:migrations',
      ResponseURL: cfn.url,
      StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Data/1',
      RequestId: `request-${cfn.answers.length}`,
      LogicalResourceId: 'Migrations',
      ResourceType: 'Custom::DatabaseMigrations',
      ResourceProperties: { ServiceToken: 'x', ...props },
      ...(type === 'Create' ? {} : { PhysicalResourceId: `migrations:${props.Database}` }),
      ...(type === 'Update' ? { OldResourceProperties: { ServiceToken: 'x', ...old } } : {}),
    } as CloudFormationCustomResourceEvent;
  }

  async function run(e: CloudFormationCustomResourceEvent, dir: string, remainingMs = 60_000) {
    const db = postgresConnection();
    const deps = { dir, ssl: false as const, readSecret: async () => ({ username: db.user, password: db.password }) };
    await handle(e, { getRemainingTimeInMillis: () => remainingMs }, deps);
    return cfn.answers[cfn.answers.length - 1];
  }

  const propsOf = (db: ReturnType<typeof postgresConnection>, dir: string, overrides: Record<string, string> = {}) => ({
    Host: db.host, Port: String(db.port), Database: db.database, SecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!cluster-1', MigrationsHash: migrationsHash(dir), ...overrides,
  });

  test('Create applies the migrations and answers SUCCESS with what it applied', async () => {
    const db = await freshDatabase();
    const dir = folder(FIRST);
    const answer = await run(event('Create', propsOf(db, dir)), dir);
    expect(answer).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `migrations:${db.database}`, LogicalResourceId: 'Migrations', Data: { Applied: '0001_accounts.sql,0002_orders.sql', Count: '2' } });
    expect(await recorded(db)).toEqual(['0001_accounts', '0002_orders']);
  });

  test('Update with a changed folder applies the new file; the same folder again applies nothing', async () => {
    const db = await freshDatabase();
    const dir = folder(FIRST);
    const before = propsOf(db, dir);
    await run(event('Create', before), dir);
    fs.writeFileSync(path.join(dir, '0003_index.sql'), 'CREATE INDEX orders_account ON orders (account);');
    const after = propsOf(db, dir);
    expect(after.MigrationsHash).not.toBe(before.MigrationsHash);
    expect(await run(event('Update', after, before), dir)).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `migrations:${db.database}`, Data: { Applied: '0003_index.sql', Count: '1' } });
    expect(await run(event('Update', after, after), dir)).toMatchObject({ Status: 'SUCCESS', Data: { Applied: '', Count: '0' } });
  });

  test('a failing migration answers FAILED naming the file, and nothing of it remains', async () => {
    const db = await freshDatabase();
    const dir = folder({ ...FIRST, '0003_broken.sql': 'CREATE TABLE half (id int);\nSELECT * FROM missing_table;' });
    const answer = await run(event('Create', propsOf(db, dir)), dir);
    expect(answer.Status).toBe('FAILED');
    expect(answer.Reason).toMatch(/^Migration 0003_broken\.sql failed .*relation "missing_table" does not exist/);
    expect(await tables(db)).toEqual(['schema_migrations']);
  });

  test('the rollback of a failed update (older files asked for, newer on disk) applies nothing and succeeds', async () => {
    const db = await freshDatabase();
    const dir = folder(FIRST);
    const old = propsOf(db, dir);
    await run(event('Create', old), dir);
    fs.writeFileSync(path.join(dir, '0003_broken.sql'), 'SELECT * FROM missing_table;');
    const failed = propsOf(db, dir);
    expect((await run(event('Update', failed, old), dir)).Status).toBe('FAILED');
    // CloudFormation rolls back: the old properties, while the function still has the new layer.
    expect(await run(event('Update', old, failed), dir)).toMatchObject({ Status: 'SUCCESS', Data: { Count: '0' } });
    expect(await recorded(db)).toEqual(['0001_accounts', '0002_orders']);
  });

  test('files that are neither the ones asked for nor the previous ones fail the deployment', async () => {
    const db = await freshDatabase();
    const dir = folder(FIRST);
    const answer = await run(event('Create', propsOf(db, dir, { MigrationsHash: 'f'.repeat(64) })), dir);
    expect(answer.Status).toBe('FAILED');
    expect(answer.Reason).toMatch(/are not the ones this deployment asks for/);
    expect(await tables(db)).toEqual([]);
  });

  test('Delete leaves the schema alone, even when the database is gone', async () => {
    const db = await freshDatabase();
    const dir = folder(FIRST);
    await run(event('Create', propsOf(db, dir)), dir);
    const answer = await run(event('Delete', propsOf(db, dir, { Host: '127.0.0.1', Port: '1' })), dir);
    expect(answer).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `migrations:${db.database}` });
    expect(await tables(db)).toEqual(['accounts', 'orders', 'schema_migrations']);
  });

  test('an unreachable database answers FAILED', async () => {
    const db = await freshDatabase();
    const dir = folder(FIRST);
    const answer = await run(event('Create', propsOf(db, dir, { Port: '1' })), dir);
    expect(answer.Status).toBe('FAILED');
    expect(answer.Reason).toMatch(/ECONNREFUSED/);
  });

  test('answers FAILED before the function would time out', async () => {
    const db = await freshDatabase();
    const dir = folder({ '0001_slow.sql': 'SELECT pg_sleep(30);' });
    const started = Date.now();
    const answer = await run(event('Create', propsOf(db, dir)), dir, 11_500);
    expect(answer.Status).toBe('FAILED');
    expect(answer.Reason).toMatch(/did not finish in time/);
    expect(Date.now() - started).toBeLessThan(20_000);
    // The session was ended: the slow migration was rolled back, nothing is recorded.
    await new Promise((r) => setTimeout(r, 500));
    expect(await recorded(db)).toEqual([]);
  });
});
