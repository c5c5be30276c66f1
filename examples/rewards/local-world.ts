import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { CreateStreamCommand, DeleteStreamCommand, DescribeStreamCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { lambdaContext } from '@cdk-rampart/lambda-kit/testing';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { Client } from 'pg';
import { STARTER_RULES } from './domain/policies/pricing';
import { REWARDS_ENV } from './domain/settings';
import { LOCAL_USERS, startRewardsLocal } from './local-options';
import { REWARDS_SYSTEM } from './system';
import { MIGRATIONS_DIR } from './users-domain/users-domain';
import { engine as dynamoDbLocal } from '../../tools/engines/dynamodb-local';
import { engine as kinesalite } from '../../tools/engines/kinesalite';
import { engine as postgres } from '../../tools/engines/postgres';
import { LOCAL_SECURITY_HEADERS, LocalCleanups, localEngines, serveStatic, setLocalProcessEnvironment, type LocalCaller, type LocalExample, type LocalIdentity } from '../shared/local-run';
import { REPO_ROOT } from '../shared/stack';

/**
 * The whole rewards platform on 127.0.0.1, with a demo world in it: DynamoDB Local (the system's
 * tables and their streams), kinesalite (the users and transactions streams), PostgreSQL (the
 * users domain's database, migrated) and the users domain's service reading both streams; the
 * stream forwarders fed from the tables' streams as their event source mappings would call them;
 * the API and the four web apps (config.json, the merchants' catalogs below /catalogs/ and the
 * users domain's questions below /users-domain/, all on one origin).
 *
 * The demo world is made through the API, as people would: the registry's catalog imported, the
 * starter rules (version 1), a civilian, two officers, a merchant with a catalog, a charity and a
 * family signed up (the local ID verifier's register), and three encounters that give the civilian
 * something to spend. The README's one command (local.ts) and the journey test start it here.
 */

/** A person or organisation of the demo world: the identity the local ID verifier knows, and how to sign in. */
export interface WorldPersona {
  readonly role: 'civilian' | 'officer' | 'merchant' | 'charity' | 'family' | 'admin';
  readonly name: string;
  readonly userId: string;
  /** `Authorization: Bearer <token>` */
  readonly token: string;
}

/** An entry of the local ID verifier's register (fixtures/identities.json has the same shape). */
export interface WorldIdentity {
  readonly documentType: string;
  readonly documentNumber: string;
  readonly name: string;
  readonly evidence: string;
}

export interface RewardsWorldOptions {
  /** Port of the pages and the API; 0 picks a free one. @default 0 */
  readonly port?: number;
  /**
   * Use the engines whose endpoints the environment names (DYNAMODB_ENDPOINT, KINESIS_ENDPOINT,
   * POSTGRES_*: what the test setup publishes) instead of starting them. Whatever this run creates
   * in them (tables, streams, a database) is removed on stop.
   *
   * @default false
   */
  readonly useRunningEngines?: boolean;
  /** How often the stream forwarders read the tables' streams. @default 250 */
  readonly pollMs?: number;
  /** Print the URLs and the demo world. @default true */
  readonly log?: boolean;
}

export interface RewardsWorld extends LocalExample {
  /** The users domain's service, e.g. `http://127.0.0.1:41234`. */
  readonly usersDomainUrl: string;
  /** The demo world's people by role (`civilian`, `officer`, `officer2`, `merchant`, `charity`, `family`, `admin`). */
  readonly personas: Record<string, WorldPersona>;
  /** Adds a person the local ID verifier recognises (for someone to sign up as). */
  addIdentity(identity: WorldIdentity): void;
  /** The sign-in of a user signed up on this run (its account's kind is its group). */
  tokenOf(userId: string): string;
  /** Forward what is waiting on the tables' streams now, and wait for it. */
  settle(): Promise<void>;
}

/** A user signed up on the local run signs in with `local-user.<user id>`. */
export const LOCAL_USER_TOKEN_PREFIX = 'local-user.';

const CATALOGS = '/catalogs/';
const USERS_DOMAIN = '/users-domain/';

/** The DynamoDB Streams API of DynamoDB Local (same endpoint; it checks the credential's form, not its signature). */
async function streams<T>(endpoint: string, op: string, body: unknown): Promise<T> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDBStreams_20120810.${op}`,
      'authorization': 'AWS4-HMAC-SHA256 Credential=local/20250101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify(body),
  });
  const answer = await res.json() as T;
  if (!res.ok) throw new Error(`DynamoDB Streams ${op}: ${res.status} ${JSON.stringify(answer)}`);
  return answer;
}

type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>;

/**
 * One table's stream delivered to its forwarder as the event source mapping does: every shard in
 * order, a batch at a time; a record the forwarder reports as failed is delivered again (from it).
 */
class StreamPump {
  private readonly iterators = new Map<string, string | undefined>();
  private readonly after = new Map<string, string>();
  constructor(
    private readonly endpoint: string,
    private readonly streamArn: string,
    private readonly handler: StreamHandler,
    private readonly name: string,
  ) {}

  private async iterator(shardId: string, at?: string): Promise<string> {
    const last = this.after.get(shardId);
    const position = at ? { ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: at }
      : last ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: last } : { ShardIteratorType: 'TRIM_HORIZON' };
    return (await streams<{ ShardIterator: string }>(this.endpoint, 'GetShardIterator', { StreamArn: this.streamArn, ShardId: shardId, ...position })).ShardIterator;
  }

  async poll(): Promise<void> {
    const { StreamDescription } = await streams<{ StreamDescription: { Shards: { ShardId: string }[] } }>(this.endpoint, 'DescribeStream', { StreamArn: this.streamArn });
    for (const { ShardId } of StreamDescription.Shards) {
      if (!this.iterators.has(ShardId)) this.iterators.set(ShardId, await this.iterator(ShardId));
      let iterator = this.iterators.get(ShardId);
      while (iterator) {
        let page: { Records: DynamoDBRecord[]; NextShardIterator?: string };
        try {
          page = await streams(this.endpoint, 'GetRecords', { ShardIterator: iterator, Limit: 100 });
        } catch (error) {
          // DynamoDB Local refuses some iterators (trimmed or expired): carry on after the last record handed on.
          if (!/TrimmedDataAccessException|ExpiredIteratorException/.test(String(error))) throw error;
          iterator = await this.iterator(ShardId);
          this.iterators.set(ShardId, iterator);
          continue;
        }
        if (page.Records.length === 0) {
          this.iterators.set(ShardId, page.NextShardIterator);
          break;
        }
        const batch = page.Records.map((r) => ({ ...r, awsRegion: 'us-east-1', eventSource: 'aws:dynamodb' }));
        const out = await this.handler({ Records: batch }, lambdaContext({ functionName: `local-${this.name}` }));
        const failed = out?.batchItemFailures?.[0]?.itemIdentifier;
        if (failed) {
          console.error(`[rewards] ${this.name}: ${out.batchItemFailures.length} record(s) not forwarded; delivering them again`);
          this.iterators.set(ShardId, await this.iterator(ShardId, failed));
          return;
        }
        this.after.set(ShardId, batch[batch.length - 1].dynamodb!.SequenceNumber!);
        iterator = page.NextShardIterator;
        this.iterators.set(ShardId, iterator);
      }
    }
  }
}

/** The demo world's people, as the local ID verifier's register knows them (fixtures/identities.json, and a second officer). */
const DEMO = {
  civilian: { kind: 'civilian', documentType: 'national-id', documentNumber: 'CIV-0001', name: 'Alex Civilian', evidence: 'evidence-civ-0001' },
  officer: { kind: 'officer', documentType: 'police-badge', documentNumber: 'OFF-0001', name: 'Robin Officer', evidence: 'evidence-off-0001' },
  officer2: { kind: 'officer', documentType: 'police-badge', documentNumber: 'OFF-0002', name: 'Kim Officer', evidence: 'evidence-off-0002' },
  merchant: { kind: 'merchant', documentType: 'business-registration', documentNumber: 'MER-0001', name: 'Corner Coffee', evidence: 'evidence-mer-0001' },
  charity: { kind: 'charity', documentType: 'charity-registration', documentNumber: 'CH-1001', name: 'Food Bank North', evidence: 'evidence-ch-1001' },
  family: { kind: 'family', documentType: 'family-case', documentNumber: 'FAM-2001', name: 'The Example Family', evidence: 'evidence-fam-2001' },
} as const;

/** Encounters the demo civilian has had before the run starts (points to spend). */
const DEMO_ENCOUNTERS = 3;

/**
 * The local stand-in for the users pool's authorizer: the fixed tokens of `LOCAL_USERS`, and
 * `local-user.<user id>` for a user signed up on this run, whose group is its account's kind
 * (read from the accounts table: as Cognito, it knows only who was created).
 */
function worldIdentity(endpoint: string, accountsTable: string): LocalIdentity {
  return {
    async callerOf(headers): Promise<LocalCaller | undefined> {
      const match = /^Bearer\s+(\S+)$/i.exec(String(headers.authorization ?? ''));
      if (!match) return undefined;
      if (LOCAL_USERS[match[1]]) return LOCAL_USERS[match[1]];
      if (!match[1].startsWith(LOCAL_USER_TOKEN_PREFIX)) return undefined;
      const userId = match[1].slice(LOCAL_USER_TOKEN_PREFIX.length);
      if (!/^[A-Za-z0-9-]{3,64}$/.test(userId)) return undefined;
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.GetItem',
          'authorization': 'AWS4-HMAC-SHA256 Credential=local/20250101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        },
        body: JSON.stringify({ TableName: accountsTable, Key: { pk: { S: userId } }, ConsistentRead: true }),
      });
      const item = (await res.json() as { Item?: { kind?: { S?: string } } }).Item;
      const kind = item?.kind?.S;
      return kind ? { claims: { 'sub': userId, 'cognito:groups': kind } } : undefined;
    },
  };
}

/** Forwards a request to `target` (the API and pages server, or the users domain) and its answer back. */
function forward(req: http.IncomingMessage, res: http.ServerResponse, target: string, pathname: string): void {
  const url = new URL(pathname, target);
  const upstream = http.request(url, { method: req.method, headers: { ...req.headers, host: url.host } }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: 'The local service did not answer' }));
  });
  req.pipe(upstream);
}

/** Start the platform with its demo world. */
export async function startRewardsWorld(options: RewardsWorldOptions = {}): Promise<RewardsWorld> {
  const log = options.log ?? true;
  const cleanups = new LocalCleanups('rewards');
  try {
    setLocalProcessEnvironment({ log, service: 'rewards' });

    // The engines: the environment's (tests), or started here (and stopped on stop).
    const env = await localEngines([dynamoDbLocal, kinesalite, postgres], options.useRunningEngines ?? false, cleanups);
    const dynamoDbEndpoint = env('DYNAMODB_ENDPOINT');
    const kinesisEndpoint = env('KINESIS_ENDPOINT');
    const pg = { host: env('POSTGRES_HOST'), port: Number(env('POSTGRES_PORT')), user: env('POSTGRES_USER'), password: env('POSTGRES_PASSWORD') };
    const suffix = `${process.pid}-${randomBytes(3).toString('hex')}`;

    // The users and transactions streams (Kinesis).
    const kinesis = new KinesisClient({ endpoint: kinesisEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, requestHandler: new NodeHttpHandler() });
    cleanups.push(async () => kinesis.destroy());
    const streamNames = { users: `rewards-users-${suffix}`, transactions: `rewards-transactions-${suffix}` };
    for (const name of Object.values(streamNames)) {
      await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
      cleanups.push(async () => { await kinesis.send(new DeleteStreamCommand({ StreamName: name })); });
      for (let i = 0; i < 50; i++) {
        if ((await kinesis.send(new DescribeStreamCommand({ StreamName: name }))).StreamDescription?.StreamStatus === 'ACTIVE') break;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    process.env[REWARDS_ENV.KINESIS_ENDPOINT] = kinesisEndpoint;
    process.env[REWARDS_ENV.USERS_STREAM] = streamNames.users;
    process.env[REWARDS_ENV.TRANSACTIONS_STREAM] = streamNames.transactions;

    // The users domain's database, migrated with the bundle DatabaseMigrations deploys.
    const database = `rewards_${suffix.replace(/-/g, '_')}`;
    const admin = new Client({ ...pg, database: 'postgres' });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    cleanups.push(async () => {
      const a = new Client({ ...pg, database: 'postgres' });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await a.end();
    });
    const bundle = path.join(REPO_ROOT, 'assets', 'data', 'database-migrations.lambda', 'index.js');
    if (!fs.existsSync(bundle)) throw new Error(`${path.relative(REPO_ROOT, bundle)} is missing: run 'npx projen bundle'`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the migrations bundle DatabaseMigrations deploys
    const { migrate } = require(bundle) as { migrate: (c: object, o: object) => Promise<unknown> };
    await migrate({ ...pg, database }, { dir: MIGRATIONS_DIR, log: () => undefined });

    // The world's files: the ID verifier's register (the fixtures and whoever is added) and the catalogs.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-rewards-world-'));
    cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    const register = path.join(dir, 'identities.json');
    const fixtures = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'identities.json'), 'utf8')) as { documents: WorldIdentity[] };
    const identities: WorldIdentity[] = [...fixtures.documents, DEMO.officer2];
    const writeRegister = () => fs.writeFileSync(register, JSON.stringify({ documents: identities }));
    writeRegister();
    const catalogsDir = path.join(dir, 'catalogs');

    // The API and the pages (the tables created on DynamoDB Local before the handlers load).
    let identity: LocalIdentity = { callerOf: async () => undefined };
    const local = await startRewardsLocal({
      dynamoDbEndpoint,
      identities: register,
      identity: { callerOf: (headers) => identity.callerOf(headers) },
      pages: true,
      log: false,
    });
    cleanups.push(() => local.stop());
    identity = worldIdentity(dynamoDbEndpoint, local.tables[REWARDS_SYSTEM.tables.accounts.envName]);

    // The users domain's service, in this process (POLL_MS is read when its module loads).
    process.env.POLL_MS ??= String(options.pollMs ?? 250);
    Object.assign(process.env, { PGHOST: pg.host, PGPORT: String(pg.port), PGUSER: pg.user, PGPASSWORD: pg.password, PGDATABASE: database });
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded once its environment is set
    const usersService = (require('./users-domain/server') as typeof import('./users-domain/server')).main({
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      REWARDS_USERS_STREAM: streamNames.users,
      REWARDS_TRANSACTIONS_STREAM: streamNames.transactions,
      KINESIS_ENDPOINT: kinesisEndpoint,
    });
    cleanups.push(() => usersService.stop());
    await new Promise<void>((resolve) => (usersService.server.listening ? resolve() : usersService.server.once('listening', () => resolve())));
    const usersDomainUrl = `http://127.0.0.1:${(usersService.server.address() as AddressInfo).port}`;

    // The stream forwarders, fed from the tables' streams.
    /* eslint-disable @typescript-eslint/no-require-imports -- the handlers are loaded after the environment is set */
    const pumps = [
      new StreamPump(dynamoDbEndpoint, local.streams[REWARDS_SYSTEM.tables.accounts.envName],
        require(`./handlers/${REWARDS_SYSTEM.workers.usersForwarder.handlerName}`).handler as StreamHandler, REWARDS_SYSTEM.workers.usersForwarder.handlerName),
      new StreamPump(dynamoDbEndpoint, local.streams[REWARDS_SYSTEM.tables.transactions.envName],
        require(`./handlers/${REWARDS_SYSTEM.workers.transactionsForwarder.handlerName}`).handler as StreamHandler, REWARDS_SYSTEM.workers.transactionsForwarder.handlerName),
    ];
    const catalogImport = require(`./handlers/${REWARDS_SYSTEM.workers.catalogImport.handlerName}`).handler as () => Promise<{ imported: number }>;
    /* eslint-enable @typescript-eslint/no-require-imports */
    let round: Promise<void> = Promise.resolve();
    const settle = () => {
      round = round.then(async () => { for (const p of pumps) await p.poll(); }).catch((e) => { console.error('[rewards] forwarders:', e); });
      return round;
    };
    const timer = setInterval(() => { void settle(); }, options.pollMs ?? 250);
    cleanups.push(async () => { clearInterval(timer); await round; });

    // The demo world, through the API.
    const call = async <T>(method: string, p: string, token: string | undefined, body?: unknown): Promise<T> => {
      const res = await fetch(`${local.apiUrl}${p}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${p} answered ${res.status}: ${text}`);
      return JSON.parse(text) as T;
    };
    await catalogImport();
    const adminToken = Object.keys(LOCAL_USERS).find((t) => LOCAL_USERS[t].claims?.['cognito:groups'] === REWARDS_SYSTEM.adminGroup)!;
    await call('PUT', '/rules', adminToken, { expectedVersion: 0, rules: STARTER_RULES });
    const personas: Record<string, WorldPersona> = {
      admin: { role: 'admin', name: 'Ann Admin', userId: LOCAL_USERS[adminToken].claims!.sub, token: adminToken },
    };
    for (const [key, person] of Object.entries(DEMO)) {
      const { kind, ...document } = person;
      const { userId } = await call<{ userId: string }>('POST', '/sign-ups', undefined, { kind, ...document, email: `${key}@example.com` });
      personas[key] = { role: kind, name: person.name, userId, token: `${LOCAL_USER_TOKEN_PREFIX}${userId}` };
    }
    for (let i = 0; i < DEMO_ENCOUNTERS; i++) {
      const { code } = await call<{ code: string }>('POST', '/encounter-codes', personas.civilian.token, {});
      await call('POST', '/transactions', personas[i % 2 ? 'officer2' : 'officer'].token, { kind: 'encounter', transactionId: `demo-encounter-${i + 1}-${suffix}`, code });
    }
    const merchantCatalog = path.join(catalogsDir, personas.merchant.userId);
    fs.cpSync(path.join(__dirname, 'fixtures', 'merchant-catalog'), merchantCatalog, { recursive: true });
    await settle();

    const webConfig = {
      apiBaseUrl: `/${REWARDS_SYSTEM.stageName}`,
      catalogsBaseUrl: CATALOGS.replace(/\/$/, ''),
      usersDomainUrl: USERS_DOMAIN.replace(/\/$/, ''),
      environment: 'local',
      directory: (['officer', 'officer2', 'merchant', 'charity', 'family'] as const).map((k) => ({ userId: personas[k].userId, name: personas[k].name, kind: personas[k].role })),
      auth: {
        mode: 'local',
        personas: Object.values(personas).map(({ token, role, name, userId }) => ({ token, role, name, userId })),
        userTokenPrefix: LOCAL_USER_TOKEN_PREFIX,
      },
    };

    // One origin for all of it: config.json (the world's), the catalogs, the users domain's
    // questions (GET only), and everything else from the API and pages server.
    const front = http.createServer((req, res) => {
      const { pathname, search } = new URL(req.url ?? '/', 'http://localhost');
      if (pathname === '/config.json') {
        const body = JSON.stringify(webConfig);
        res.writeHead(200, { ...LOCAL_SECURITY_HEADERS, 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : body);
      } else if (pathname.startsWith(CATALOGS)) {
        serveStatic(res, req.method ?? 'GET', pathname.slice(CATALOGS.length - 1), [catalogsDir], LOCAL_SECURITY_HEADERS);
      } else if (pathname.startsWith(USERS_DOMAIN)) {
        if (req.method !== 'GET') {
          res.writeHead(405, { 'content-type': 'application/json', 'allow': 'GET' });
          res.end(JSON.stringify({ message: 'The users domain is read only' }));
          return;
        }
        forward(req, res, usersDomainUrl, `/${pathname.slice(USERS_DOMAIN.length)}${search}`);
      } else {
        forward(req, res, local.url, `${pathname}${search}`);
      }
    });
    await new Promise<void>((resolve, reject) => {
      front.once('error', reject);
      front.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    cleanups.push(() => new Promise<void>((resolve) => {
      front.close(() => resolve());
      front.closeAllConnections();
    }));
    const url = `http://127.0.0.1:${(front.address() as AddressInfo).port}/`;

    if (log) {
      console.log([
        'The rewards platform is running locally, with a demo world',
        `  Civilians:  ${url}`,
        `  Officers:   ${url}officer.html`,
        `  Merchants:  ${url}merchant.html`,
        `  Admins:     ${url}admin.html`,
        `  API:        ${url}${REWARDS_SYSTEM.stageName}  (${REWARDS_SYSTEM.routeList.length} routes)`,
        `  Users domain: ${usersDomainUrl}  (PostgreSQL database ${database}, fed by the users and transactions streams on kinesalite)`,
        `  DynamoDB:   ${dynamoDbEndpoint}`,
        'The demo world (the pages offer these sign-ins; or send Authorization: Bearer <token>):',
        ...Object.values(personas).map((p) => `  ${p.role.padEnd(9)} ${p.name.padEnd(19)} ${p.userId}`),
        `  The civilian has had ${DEMO_ENCOUNTERS} encounters; ${DEMO.merchant.name} has a catalog; the rules are version 1.`,
        'Sign up as someone new with an entry of examples/rewards/fixtures/identities.json (e.g. national-id CIV-0002, Sam Civilian, evidence-civ-0002).',
        'Press Ctrl-C to stop.',
      ].join('\n'));
    }

    return {
      ...local,
      url,
      apiUrl: `${url}${REWARDS_SYSTEM.stageName}`,
      usersDomainUrl,
      personas,
      enginePids: [...local.enginePids],
      addIdentity: (doc) => {
        identities.push(doc);
        writeRegister();
      },
      tokenOf: (userId) => `${LOCAL_USER_TOKEN_PREFIX}${userId}`,
      settle,
      stop: () => cleanups.stop(),
    };
  } catch (error) {
    await cleanups.run();
    throw error;
  }
}
