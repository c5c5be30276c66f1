import { randomUUID } from 'crypto';
import { DynamoDBClient, GetItemCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { metrics } from '@cdk-rampart/lambda-kit';
import { apiGatewayEvent, lambdaContext } from '@cdk-rampart/lambda-kit/testing';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context, DynamoDBRecord } from 'aws-lambda';
import * as fc from 'fast-check';
import { TRANSACTION_COLUMNS, USER_COLUMNS } from '../../examples/rewards/analytics';
import { issueEncounterCode } from '../../examples/rewards/domain/encounter-codes';
import { STARTER_RULES } from '../../examples/rewards/domain/policies/pricing';
import { REWARDS_ENV } from '../../examples/rewards/domain/settings';
import { BALANCE_UPDATES_METRIC, TRANSACTION_METRICS } from '../../examples/rewards/handlers/post-transaction';
import { startRewardsLocal } from '../../examples/rewards/local-options';
import { REWARDS_SYSTEM } from '../../examples/rewards/system';
import type { LocalExample } from '../../examples/shared/local-run';
import { createTestStream, type TestStream } from '../../tools/engines/kinesalite';
import { withLiftedSdkLimits } from '../../tools/sdk-limits';

/**
 * The rewards handlers in-process against DynamoDB Local (and kinesalite for the transactions
 * stream): the rules' optimistic concurrency, transactions applied in one DynamoDB transaction
 * (no negative balance under 200 concurrent spends, an id applied once), the rules version a
 * transaction records, encounter codes used once, and malformed bodies refused without a write.
 * The system is started as the local run starts it (tables and environment from system.ts).
 */

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
interface Answer { readonly status: number; readonly body: any }

const { routes: ROUTES, tables: TABLES } = REWARDS_SYSTEM;
const CODE_KEY = 'k'.repeat(16) + randomUUID();
const context: Context = lambdaContext({ functionName: 'rewards', requestId: 'lambda-request', timeoutMs: 15 * 60_000 });

let local: LocalExample;
let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let stream: TestStream;
let usersStream: TestStream;
const handlers: Record<string, Handler> = {};

const who = (sub: string, group: string) => ({ sub, 'cognito:groups': group });
const ADMIN = who('admin-1', 'admin');

type Route = { readonly method: string; readonly path: string; readonly handlerName: string };

async function call(route: Route, as: Record<string, unknown>, body?: unknown, pathParameters?: Record<string, string>): Promise<Answer> {
  const raw = body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body);
  const event = apiGatewayEvent({ method: route.method, resource: route.path, claims: as, body: raw, pathParameters, headers: { 'content-type': 'application/json' } });
  const res = await handlers[route.handlerName](event, context);
  return { status: res.statusCode, body: JSON.parse(res.body) };
}

const table = (spec: { readonly envName: string }) => local.tables[spec.envName];

async function openAccount(userId: string, kind: string, balance = 0): Promise<void> {
  await doc.send(new PutCommand({ TableName: table(TABLES.accounts), Item: { pk: userId, kind, balance, createdAt: new Date().toISOString() } }));
}

async function balanceOf(userId: string): Promise<number> {
  const out = await client.send(new GetItemCommand({ TableName: table(TABLES.accounts), Key: { pk: { S: userId } }, ConsistentRead: true }));
  return Number(out.Item!.balance.N);
}

async function count(spec: { readonly envName: string }): Promise<number> {
  const out = await client.send(new ScanCommand({ TableName: table(spec), Select: 'COUNT', ConsistentRead: true }));
  return out.Count ?? 0;
}

const exchange = (merchantId: string, units = 1, transactionId = randomUUID()) => ({ kind: 'exchange', transactionId, merchantId, units, goods: 'coffee' });

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_SERVICE_NAME = 'rewards';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'rewards';
  stream = await createTestStream('rewards-transactions');
  process.env[REWARDS_ENV.TRANSACTIONS_STREAM] = stream.streamName;
  usersStream = await createTestStream('rewards-users');
  process.env[REWARDS_ENV.USERS_STREAM] = usersStream.streamName;
  local = await startRewardsLocal({ dynamoDbEndpoint: process.env.DYNAMODB_ENDPOINT, codeKey: CODE_KEY, log: false });
  client = new DynamoDBClient({ endpoint: local.dynamoDbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  doc = DynamoDBDocumentClient.from(client);
  /* eslint-disable @typescript-eslint/no-require-imports -- the modules the local run loaded once their environment was set */
  for (const route of REWARDS_SYSTEM.routeList) handlers[route.handlerName] = require(`../../examples/rewards/handlers/${route.handlerName}`).handler;
  handlers.forwarder = require(`../../examples/rewards/handlers/${REWARDS_SYSTEM.workers.transactionsForwarder.handlerName}`).handler;
  handlers.usersForwarder = require(`../../examples/rewards/handlers/${REWARDS_SYSTEM.workers.usersForwarder.handlerName}`).handler;
  handlers.catalogImport = require(`../../examples/rewards/handlers/${REWARDS_SYSTEM.workers.catalogImport.handlerName}`).handler;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const created = await call(ROUTES.editRules, ADMIN, { expectedVersion: 0, rules: STARTER_RULES });
  expect(created).toMatchObject({ status: 200, body: { version: 1 } });
});

afterAll(async () => {
  client?.destroy();
  await local?.stop();
  await stream?.destroy();
  await usersStream?.destroy();
});

describe('business rules', () => {
  test('only admins edit; a stale edit is 409 and writes nothing; every version stays readable', async () => {
    expect((await call(ROUTES.editRules, who('officer-9', 'officer'), { expectedVersion: 1, rules: STARTER_RULES })).status).toBe(403);
    const current = await call(ROUTES.readRules, who('civilian-9', 'civilian'));
    expect(current.status).toBe(200);
    const base = current.body.version as number;
    const edited = { ...STARTER_RULES, giveaway: { ...STARTER_RULES.giveaway, maxUnits: 7 } };
    // Two admins edit the same version at once: one wins, the other is told the rules moved on.
    const [a, b] = await Promise.all([
      call(ROUTES.editRules, ADMIN, { expectedVersion: base, rules: edited }),
      call(ROUTES.editRules, who('admin-2', 'admin'), { expectedVersion: base, rules: STARTER_RULES }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body).toMatchObject({ error: 'StaleRules', details: { expectedVersion: base, currentVersion: base + 1 } });
    const stale = await call(ROUTES.editRules, ADMIN, { expectedVersion: base, rules: STARTER_RULES });
    expect(stale.status).toBe(409);
    expect((await call(ROUTES.readRules, ADMIN)).body.version).toBe(base + 1);
    const old = await call(ROUTES.readRulesVersion, ADMIN, undefined, { version: String(base) });
    expect(old).toMatchObject({ status: 200, body: { version: base } });
    expect((await call(ROUTES.readRulesVersion, ADMIN, undefined, { version: String(base + 5) })).status).toBe(404);
    expect((await call(ROUTES.readRulesVersion, ADMIN, undefined, { version: 'x' })).status).toBe(400);
  });

  test('a transaction priced under rules version N records N and is priced by it', async () => {
    await openAccount('civ-version', 'civilian', 50);
    await openAccount('shop-version', 'merchant');
    const current = (await call(ROUTES.readRules, ADMIN)).body;
    const rules = { ...current.rules, exchange: { ...current.rules.exchange, fromPointsPerUnit: -3, toPointsPerUnit: 2 } };
    const next = await call(ROUTES.editRules, ADMIN, { expectedVersion: current.version, rules });
    expect(next.status).toBe(200);
    const n = next.body.version as number;
    const tx = await call(ROUTES.transact, who('civ-version', 'civilian'), exchange('shop-version', 2));
    expect(tx).toMatchObject({ status: 201, body: { replayed: false, transaction: { rulesVersion: n, changes: [{ party: 'civ-version', delta: -6 }, { party: 'shop-version', delta: 4 }] } } });
    expect(await balanceOf('civ-version')).toBe(44);
    expect(await balanceOf('shop-version')).toBe(4);
    const key = { pk: { S: tx.body.transaction.transactionId as string } };
    const stored = await client.send(new GetItemCommand({ TableName: table(TABLES.transactions), Key: key, ConsistentRead: true }));
    expect(Number(stored.Item!.rulesVersion.N)).toBe(n);
    // Back to one point each for the races below.
    expect((await call(ROUTES.editRules, ADMIN, { expectedVersion: n, rules: STARTER_RULES })).status).toBe(200);
  });
});

describe('transactions', () => {
  test('200 concurrent exchanges against a balance of exactly 100 at 1 point each: 100 succeed, 100 are 409, the balance ends at 0 and never reads negative', async () => {
    await openAccount('civ-race', 'civilian', 100);
    await openAccount('shop-race', 'merchant');
    const before = await count(TABLES.transactions);
    const reads: number[] = [];
    let done = false;
    const watch = (async () => {
      while (!done) reads.push(await balanceOf('civ-race'));
    })();
    const answers = await withLiftedSdkLimits(() => Promise.all(Array.from({ length: 200 }, () => call(ROUTES.transact, who('civ-race', 'civilian'), exchange('shop-race')))));
    done = true;
    await watch;
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(100);
    expect(statuses.filter((s) => s === 409)).toHaveLength(100);
    for (const refused of answers.filter((a) => a.status === 409)) {
      expect(refused.body).toMatchObject({ error: 'InsufficientBalance', details: { party: 'civ-race', needed: 1 } });
    }
    expect(await balanceOf('civ-race')).toBe(0);
    expect(await balanceOf('shop-race')).toBe(100);
    expect(reads.length).toBeGreaterThan(0);
    expect(Math.min(...reads)).toBeGreaterThanOrEqual(0);
    expect(await count(TABLES.transactions)).toBe(before + 100);
  });

  test('the same transaction id sent 20 times at once applies once; reused with other content it is 409', async () => {
    await openAccount('civ-once', 'civilian', 10);
    await openAccount('shop-once', 'merchant');
    const body = exchange('shop-once', 3);
    const answers = await withLiftedSdkLimits(() => Promise.all(Array.from({ length: 20 }, () => call(ROUTES.transact, who('civ-once', 'civilian'), body))));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
    expect(answers.filter((a) => a.body.replayed === false)).toHaveLength(1);
    expect(new Set(answers.map((a) => a.body.transaction.createdAt)).size).toBe(1);
    expect(await balanceOf('civ-once')).toBe(7);
    expect(await balanceOf('shop-once')).toBe(3);
    const reused = await call(ROUTES.transact, who('civ-once', 'civilian'), { ...body, units: 1 });
    expect(reused).toMatchObject({ status: 409, body: { error: 'TransactionIdReused', details: { field: 'transactionId' } } });
    expect(await balanceOf('civ-once')).toBe(7);
  });

  test('an applied transaction counts once on the dashboard (its kind, and the balances it changed); a replay or a refusal counts nothing', async () => {
    await openAccount('civ-metric', 'civilian', 2);
    await openAccount('shop-metric', 'merchant');
    const added = jest.spyOn(metrics, 'addMetric');
    try {
      const body = exchange('shop-metric', 2);
      expect((await call(ROUTES.transact, who('civ-metric', 'civilian'), body)).status).toBe(201);
      expect((await call(ROUTES.transact, who('civ-metric', 'civilian'), body)).body.replayed).toBe(true);
      expect((await call(ROUTES.transact, who('civ-metric', 'civilian'), exchange('shop-metric', 1))).status).toBe(409);
      const business = new Set([...Object.values(TRANSACTION_METRICS), BALANCE_UPDATES_METRIC]);
      expect(added.mock.calls.filter(([name]) => business.has(name)).map(([name, , value]) => [name, value])).toEqual([['Exchanges', 1], ['BalanceUpdates', 2]]);
    } finally {
      added.mockRestore();
    }
  });

  test('parties must have accounts of the kinds the transaction names; the caller must be of its kind', async () => {
    await openAccount('civ-kinds', 'civilian', 10);
    await openAccount('off-kinds', 'officer', 10);
    await openAccount('charity-kinds', 'charity');
    const toOfficer = await call(ROUTES.transact, who('civ-kinds', 'civilian'), exchange('off-kinds'));
    expect(toOfficer).toMatchObject({ status: 422, body: { error: 'Unprocessable', details: { code: 'UnknownParty', party: 'off-kinds' } } });
    expect((await call(ROUTES.transact, who('civ-kinds', 'civilian'), exchange('nobody-here'))).status).toBe(422);
    expect((await call(ROUTES.transact, who('off-kinds', 'officer'), exchange('shop-race'))).status).toBe(403);
    const donation = await call(ROUTES.transact, who('civ-kinds', 'civilian'), { kind: 'donation', transactionId: randomUUID(), recipientId: 'charity-kinds', units: 4 });
    expect(donation.status).toBe(201);
    const giveaway = await call(ROUTES.transact, who('off-kinds', 'officer'), { kind: 'giveaway', transactionId: randomUUID(), officerId: 'off-kinds', units: 1 });
    expect(giveaway).toMatchObject({ status: 422, body: { details: { code: 'SameParty' } } });
    const tooMany = await call(ROUTES.transact, who('civ-kinds', 'civilian'), { kind: 'donation', transactionId: randomUUID(), recipientId: 'charity-kinds', units: 5000 });
    expect(tooMany).toMatchObject({ status: 422, body: { details: { code: 'TooManyUnits', field: 'units' } } });
    expect(await balanceOf('civ-kinds')).toBe(6);
    expect(await balanceOf('charity-kinds')).toBe(4);
    expect((await call(ROUTES.balance, who('civ-kinds', 'civilian'))).body).toEqual({ userId: 'civ-kinds', balance: 6 });
  });
});

describe('encounter codes', () => {
  test('a civilian\'s code, presented by an officer, scores both once; used, altered and expired codes are refused with the reason', async () => {
    await openAccount('civ-qr', 'civilian');
    await openAccount('off-qr', 'officer');
    const issued = await call(ROUTES.encounterCode, who('civ-qr', 'civilian'));
    expect(issued.status).toBe(201);
    expect(issued.body.qr.svg).toMatch(/^<svg/);
    expect(issued.body.qr.png).toMatch(/^data:image\/png;base64,/);
    expect(new Date(issued.body.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(REWARDS_SYSTEM.codeMinutes * 60_000);
    expect((await call(ROUTES.encounterCode, who('off-qr', 'officer'))).status).toBe(403);

    const present = (code: string) => call(ROUTES.transact, who('off-qr', 'officer'), { kind: 'encounter', transactionId: randomUUID(), code });
    const scored = await present(issued.body.code);
    expect(scored).toMatchObject({ status: 201, body: { transaction: { kind: 'encounter', from: 'civ-qr', to: 'off-qr' } } });
    expect(await balanceOf('civ-qr')).toBe(STARTER_RULES.encounter.fromPointsPerUnit);
    expect(await balanceOf('off-qr')).toBe(STARTER_RULES.encounter.toPointsPerUnit);
    expect((await present(issued.body.code)).body).toMatchObject({ error: 'CodeUsed' });

    const second = (await call(ROUTES.encounterCode, who('civ-qr', 'civilian'))).body.code as string;
    const [header, payload, signature] = second.split('.');
    const forged = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const altered = `${header}.${Buffer.from(JSON.stringify({ ...forged, sub: 'civ-race' })).toString('base64url')}.${signature}`;
    expect((await present(altered)).body).toMatchObject({ error: 'Unprocessable', details: { code: 'CodeAltered', field: 'code' } });
    const expired = await issueEncounterCode(new TextEncoder().encode(CODE_KEY), 'civ-qr', 5, new Date(Date.now() - 10 * 60_000));
    const late = await present(expired.code);
    expect(late).toMatchObject({ status: 422, body: { details: { code: 'CodeExpired' } } });
    expect(late.body.message).toMatch(/expired at/);
    expect((await present('not.a.code-at-all-really')).body).toMatchObject({ details: { code: 'CodeInvalid' } });
    expect(await balanceOf('civ-qr')).toBe(STARTER_RULES.encounter.fromPointsPerUnit);
  });
});

describe('transactions stream', () => {
  test('the forwarder puts each applied transaction (a stream batch of the real items) on the transactions stream', async () => {
    const scan = await client.send(new ScanCommand({ TableName: table(TABLES.transactions), Limit: 25, ConsistentRead: true }));
    const records: DynamoDBRecord[] = scan.Items!.map((item: Record<string, AttributeValue>, i) => ({
      eventID: String(i),
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      dynamodb: { Keys: { pk: item.pk } as any, NewImage: item as any, SequenceNumber: String(i + 1).padStart(21, '0'), StreamViewType: 'NEW_IMAGE' },
    }));
    const modify: DynamoDBRecord = { ...records[0], eventName: 'MODIFY', dynamodb: { ...records[0].dynamodb, SequenceNumber: '9'.repeat(21) } };
    const out = await (handlers.forwarder as any)({ Records: [...records, modify] });
    expect(out).toEqual({ batchItemFailures: [] });
    const put = (await stream.records()).map((r) => JSON.parse(r));
    expect(put.map((r) => r.transaction_id).sort()).toEqual(scan.Items!.map((i) => i.pk.S).sort());
    expect(put[0]).toMatchObject({ event_type: 'transaction.applied', rules_version: expect.any(Number), count_day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    // Ids and numbers only: the archive's columns, nothing else.
    expect(Object.keys(put[0]).every((k) => TRANSACTION_COLUMNS.some((c) => c.name === k))).toBe(true);
  });
});

describe('onboarding', () => {
  const ANON = {};
  const signUp = (body: unknown) => call(ROUTES.signUp, ANON, body);
  const person = (kind: string, documentType: string, documentNumber: string, name: string, evidence = `evidence-${documentNumber.toLowerCase()}`) =>
    ({ kind, documentType, documentNumber, name, evidence, email: `${documentNumber.toLowerCase()}@example.com` });
  const created: string[] = [];

  test('the scheduled import puts the registry\'s catalog into DynamoDB, idempotently', async () => {
    expect(await (handlers.catalogImport as any)()).toEqual({ imported: 4 });
    expect(await (handlers.catalogImport as any)()).toEqual({ imported: 4 });
    expect(await count(TABLES.catalog)).toBe(4);
  });

  test('a verified civilian, officer and merchant each get a user in their kind\'s group and an account at 0', async () => {
    for (const [kind, type, number, name] of [
      ['civilian', 'national-id', 'CIV-0001', 'Alex Civilian'], ['officer', 'police-badge', 'OFF-0001', 'Robin Officer'], ['merchant', 'business-registration', 'MER-0001', 'Corner Coffee'],
    ]) {
      const answer = await signUp(person(kind, type, number, name));
      expect(answer).toMatchObject({ status: 201, body: { kind, userId: expect.any(String) } });
      expect(await balanceOf(answer.body.userId)).toBe(0);
      created.push(answer.body.userId);
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the directory the handlers used (this process's memory locally)
    const directory = require('../../examples/rewards/storage/clients').userDirectory();
    expect([...directory.users.values()].map((u: any) => u.kind).sort()).toEqual(['civilian', 'merchant', 'officer']);
  });

  test('the same document again is 409; unverified evidence, an unlisted or inactive charity are 422; nothing created', async () => {
    const accounts = await count(TABLES.accounts);
    expect((await signUp(person('civilian', 'national-id', 'CIV-0001', 'Alex Civilian'))).body).toMatchObject({ error: 'AlreadySignedUp', details: { field: 'documentNumber' } });
    expect((await signUp(person('civilian', 'national-id', 'CIV-0002', 'Sam Civilian', 'forged'))).body)
      .toMatchObject({ error: 'Unprocessable', details: { code: 'IdentityNotVerified', field: 'evidence' } });
    expect((await signUp(person('civilian', 'national-id', 'CIV-0002', 'Someone Else', 'evidence-civ-0002'))).status).toBe(422);
    expect((await signUp(person('charity', 'charity-registration', 'CH-3003', 'Unlisted Charity'))).body)
      .toMatchObject({ details: { code: 'NotInCatalog', field: 'documentNumber' } });
    expect((await signUp(person('charity', 'charity-registration', 'CH-1999', 'Closed Charity'))).body).toMatchObject({ details: { code: 'NotInCatalog' } });
    expect((await signUp(person('officer', 'national-id', 'CIV-0002', 'Sam Civilian'))).body).toMatchObject({ error: 'BadRequest', details: [{ path: 'documentType' }] });
    expect(await count(TABLES.accounts)).toBe(accounts);
  });

  test('a listed charity and family sign up; a new account becomes user-created on the users stream, ids only', async () => {
    for (const [kind, type, number, name] of [['charity', 'charity-registration', 'CH-1001', 'Food Bank North'], ['family', 'family-case', 'FAM-2001', 'The Example Family']]) {
      const answer = await signUp(person(kind, type, number, name));
      expect(answer.status).toBe(201);
      created.push(answer.body.userId);
    }
    const imageOf = async (userId: string) => {
      const out = await client.send(new GetItemCommand({ TableName: table(TABLES.accounts), Key: { pk: { S: userId } }, ConsistentRead: true }));
      return out.Item!;
    };
    const images = await Promise.all(created.map(imageOf));
    const records: DynamoDBRecord[] = images.map((item, i) => ({
      eventID: `u${i}`,
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      dynamodb: { Keys: { pk: item.pk } as any, NewImage: item as any, SequenceNumber: String(i + 1).padStart(21, '0'), StreamViewType: 'NEW_IMAGE' },
    }));
    const balanceChange: DynamoDBRecord = { ...records[0], eventName: 'MODIFY' };
    expect(await (handlers.usersForwarder as any)({ Records: [...records, balanceChange] })).toEqual({ batchItemFailures: [] });
    const put = (await usersStream.records()).map((r) => JSON.parse(r));
    expect(put.map((r) => r.user_id).sort()).toEqual([...created].sort());
    expect(put.map((r) => r.kind).sort()).toEqual(['charity', 'civilian', 'family', 'merchant', 'officer']);
    for (const r of put) expect(Object.keys(r).every((k) => USER_COLUMNS.some((c) => c.name === k))).toBe(true);
  });
});

describe('bad input (a seeded sample; the long run is its own command)', () => {
  const junk = fc.oneof(
    fc.anything(),
    fc.record({ kind: fc.constantFrom('exchange', 'donation', 'giveaway', 'encounter', 'refund'), transactionId: fc.oneof(fc.string(), fc.uuid()), merchantId: fc.string(), units: fc.oneof(fc.integer(), fc.double(), fc.string()), goods: fc.string({ maxLength: 200 }), extra: fc.anything() }, { requiredKeys: ['kind'] }),
  );
  test('200 random bodies per POST/PUT route with a body: 4xx naming the field, never 5xx, nothing written', async () => {
    const txBefore = await count(TABLES.transactions);
    const accountsBefore = await count(TABLES.accounts);
    const rulesBefore = (await call(ROUTES.readRules, ADMIN)).body.version;
    const bodies = fc.sample(junk, { numRuns: 200, seed: 19 });
    const refusals: Answer[] = [];
    for (const body of bodies) {
      const text = body === undefined ? '{' : JSON.stringify(body) ?? '{';
      refusals.push(await call(ROUTES.transact, who('civ-race', 'civilian'), text));
      refusals.push(await call(ROUTES.editRules, ADMIN, typeof body === 'object' && body !== null ? JSON.stringify({ expectedVersion: rulesBefore, rules: body }) : text));
      refusals.push(await call(ROUTES.signUp, {}, typeof body === 'object' && body !== null ? JSON.stringify({ ...body, kind: 'civilian', documentType: 'national-id' }) : text));
    }
    for (const refusal of refusals) {
      expect(refusal.status).toBeGreaterThanOrEqual(400);
      expect(refusal.status).toBeLessThan(500);
      if (refusal.body.error === 'BadRequest' && refusal.body.message !== 'The body is not valid JSON') expect(refusal.body.details[0]).toHaveProperty('path');
    }
    expect(await count(TABLES.transactions)).toBe(txBefore);
    expect(await count(TABLES.accounts)).toBe(accountsBefore);
    expect((await call(ROUTES.readRules, ADMIN)).body.version).toBe(rulesBefore);
  });
});
