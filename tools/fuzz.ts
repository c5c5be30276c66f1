/**
 * The long fuzz run: at least 10,000 seeded random bodies per POST route of the examples against
 * DynamoDB Local (started here), each answer checked: no 5xx, and a refusal (4xx) writes nothing.
 * Prints the counts per route and exits 1 on any violation.
 *
 *   npx projen fuzz [--runs 10000] [--seed 14] [--only pass|counter|rewards|images] [--route give-consent]
 *
 * The images routes run through the example's local world (redis-server and s3rver are started
 * here too), every route, GETs included.
 */
import { randomUUID } from 'crypto';
import { DynamoDBClient, GetItemCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { apiGatewayEvent, lambdaContext } from '@cdk-rampart/lambda-kit/testing';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import * as fc from 'fast-check';
import { createTestTable, engine as dynamoDbLocal } from './engines/dynamodb-local';
import { engine as redisEngine } from './engines/redis';
import { engine as s3rverEngine } from './engines/s3rver';
import { bodies, fuzzPassRoute, passCases, type FuzzReport } from './fuzz-support';
import { LIFTED } from './sdk-limits';
import { application, CITIZEN, registration, routeGroups, startPassRig } from '../examples/pass/local-rig';
import { STARTER_RULES } from '../examples/rewards/domain/policies/pricing';
import { REWARDS_ENV } from '../examples/rewards/domain/settings';
import { startRewardsLocal } from '../examples/rewards/local-options';
import { REWARDS_SYSTEM } from '../examples/rewards/system';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const RUNS = Number(arg('runs', '10000'));
const SEED = Number(arg('seed', '14'));
const ONLY = arg('only', 'all');
/** One pass route by its handler's name (e.g. `give-consent`); every route when absent. */
const ROUTE = arg('route', '');

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

async function fuzzPass(): Promise<FuzzReport[]> {
  const rig = await startPassRig(routeGroups());
  try {
    if ((await rig.call('create-registration', { method: 'POST', resource: '/registrations', as: CITIZEN, body: registration() })).status !== 201) throw new Error('setup: registration failed');
    const passId = (await rig.call('create-pass', { method: 'POST', resource: '/passes', as: CITIZEN, body: application() })).body.passId as string;
    const reports: FuzzReport[] = [];
    const cases = passCases(() => passId).filter((x) => !ROUTE || x.handler === ROUTE);
    if (cases.length === 0) throw new Error(`--route ${ROUTE}: no POST route of the pass example has that handler`);
    for (const c of cases) {
      const t0 = Date.now();
      const report = await fuzzPassRoute(rig, c, RUNS, SEED);
      console.log(`${report.route}: ${report.runs} bodies in ${((Date.now() - t0) / 1000).toFixed(0)} s; statuses ${JSON.stringify(report.statuses)}`);
      reports.push(report);
    }
    return reports;
  } finally {
    await rig.destroy();
  }
}

async function fuzzCounter(): Promise<FuzzReport[]> {
  const table = await createTestTable({ prefix: 'fuzz-counter', partitionKey: 'pk' });
  const idempotency = await createTestTable({ prefix: 'fuzz-counter-idem', partitionKey: 'id' });
  Object.assign(process.env, { COUNTER_TABLE: table.tableName, COUNTER_IDEMPOTENCY_TABLE: idempotency.tableName, COUNTER_START: String(RUNS * 2) });
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const decrement = require('../examples/counter/handlers/decrement').handler as Handler;
    const value = async () => (await table.client.send(new GetItemCommand({ TableName: table.tableName, Key: { pk: { S: 'cameras' } }, ConsistentRead: true }))).Item?.value?.N;
    const statuses: Record<number, number> = {};
    let serverErrors = 0;
    let writesOnRefusal = 0;
    let malformedAnswers = 0;
    const key = fc.option(fc.oneof(fc.string({ maxLength: 200 }), fc.uuid()), { nil: undefined });
    const t0 = Date.now();
    await fc.assert(fc.asyncProperty(bodies({}), key, async (rawBody, idempotencyKey) => {
      const before = await value();
      const res = await decrement(apiGatewayEvent({
        method: 'POST',
        resource: '/decrement',
        headers: { 'content-type': 'application/json', ...(idempotencyKey === undefined ? {} : { 'Idempotency-Key': idempotencyKey }) },
        body: rawBody ?? null,
        requestId: `fuzz-${randomUUID()}`,
        sourceIp: '203.0.113.9',
      }), lambdaContext({ functionName: 'decrement', requestId: randomUUID(), timeoutMs: 10_000 }));
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
      if (res.statusCode >= 500) serverErrors++;
      if (res.statusCode >= 400 && res.statusCode < 500) {
        if ((await value()) !== before) writesOnRefusal++;
        try {
          if (typeof JSON.parse(res.body).requestId !== 'string') malformedAnswers++;
        } catch {
          malformedAnswers++;
        }
      }
    }), { numRuns: RUNS, seed: SEED });
    const report = { route: 'POST /decrement (counter)', runs: RUNS, statuses, serverErrors, writesOnRefusal, malformedAnswers };
    console.log(`${report.route}: ${RUNS} bodies in ${((Date.now() - t0) / 1000).toFixed(0)} s; statuses ${JSON.stringify(statuses)}`);
    return [report];
  } finally {
    await table.destroy();
    await idempotency.destroy();
  }
}

/** The rewards write routes (PUT /rules, PUT /sharing and every POST): each refusal must leave every table as it was. */
async function fuzzRewards(): Promise<FuzzReport[]> {
  const local = await startRewardsLocal({ dynamoDbEndpoint: process.env.DYNAMODB_ENDPOINT, log: false });
  const { routes, tables } = REWARDS_SYSTEM;
  const handler = (name: string) => require(`../examples/rewards/handlers/${name}`).handler as Handler; // eslint-disable-line @typescript-eslint/no-require-imports
  const client = new DynamoDBClient({ endpoint: local.dynamoDbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  // Every item of every table, as one text: a refusal must leave it unchanged.
  const scan = (t: { envName: string }) => client.send(new ScanCommand({ TableName: local.tables[t.envName], ConsistentRead: true }));
  const state = async () => (await Promise.all(Object.values(tables).map(scan))).map((out) => JSON.stringify(out.Items)).join('|');
  type Route = { method: string; path: string; handlerName: string };
  const call = (route: Route, claims: Record<string, unknown> | undefined, body: string | undefined) =>
    handler(route.handlerName)(apiGatewayEvent({ method: route.method, resource: route.path, claims, headers: { 'content-type': 'application/json' }, body: body ?? null, requestId: `fuzz-${randomUUID()}` }),
      lambdaContext({ functionName: route.handlerName, requestId: randomUUID(), timeoutMs: 10_000 }));
  const admin = { 'sub': 'admin-1', 'cognito:groups': 'admin' };
  const civilian = { 'sub': 'civ-fuzz', 'cognito:groups': 'civilian' };
  const merchant = { 'sub': 'shop-fuzz', 'cognito:groups': 'merchant' };
  // Presigning a catalog upload needs a bucket name and credentials, not a call to S3.
  process.env[REWARDS_ENV.CATALOG_BUCKET] ??= 'rewards-catalog-fuzz';
  try {
    await call(routes.editRules, admin, JSON.stringify({ expectedVersion: 0, rules: STARTER_RULES }));
    const accounts = local.tables[tables.accounts.envName];
    await client.send(new PutItemCommand({ TableName: accounts, Item: { pk: { S: 'civ-fuzz' }, kind: { S: 'civilian' }, balance: { N: String(RUNS * 10) } } }));
    await client.send(new PutItemCommand({ TableName: accounts, Item: { pk: { S: 'shop-fuzz' }, kind: { S: 'merchant' }, balance: { N: '0' } } }));
    const cases = [
      { route: routes.editRules, as: admin, valid: { expectedVersion: 1, rules: STARTER_RULES } },
      { route: routes.transact, as: civilian, valid: { kind: 'exchange', transactionId: 'tx-fuzz-1', merchantId: 'shop-fuzz', units: 1, goods: 'tea' } },
      {
        route: routes.signUp,
        as: undefined,
        valid: { kind: 'civilian', documentType: 'national-id', documentNumber: 'CIV-0002', name: 'Sam Civilian', evidence: 'x', email: 's@example.com' },
      },
      { route: routes.encounterCode, as: civilian, valid: {} },
      { route: routes.catalogUpload, as: merchant, valid: { path: 'tea/green.json', contentType: 'application/json' } },
      { route: routes.trackLocation, as: civilian, valid: { latitude: 51.5007, longitude: -0.1246, accuracy: 5 } },
      { route: routes.shareLocation, as: { 'sub': 'off-fuzz', 'cognito:groups': 'officer' }, valid: { sharing: true } },
    ];
    const reports: FuzzReport[] = [];
    for (const c of cases) {
      const statuses: Record<number, number> = {};
      let serverErrors = 0;
      let writesOnRefusal = 0;
      let malformedAnswers = 0;
      const t0 = Date.now();
      await fc.assert(fc.asyncProperty(bodies(c.valid), async (rawBody) => {
        const before = await state();
        const res = await call(c.route, c.as, rawBody);
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        if (res.statusCode >= 500) serverErrors++;
        if (res.statusCode >= 400 && res.statusCode < 500) {
          if ((await state()) !== before) writesOnRefusal++;
          try {
            if (typeof JSON.parse(res.body).requestId !== 'string') malformedAnswers++;
          } catch {
            malformedAnswers++;
          }
        }
      }), { numRuns: RUNS, seed: SEED });
      const report = { route: `${c.route.method} ${c.route.path} (rewards)`, runs: RUNS, statuses, serverErrors, writesOnRefusal, malformedAnswers };
      console.log(`${report.route}: ${RUNS} bodies in ${((Date.now() - t0) / 1000).toFixed(0)} s; statuses ${JSON.stringify(statuses)}`);
      reports.push(report);
    }
    return reports;
  } finally {
    client.destroy();
    await local.stop();
  }
}

/** Every images route through the local world (worker off, so a refusal that queued anything would show). */
async function fuzzImages(): Promise<FuzzReport[]> {
  const engines = await Promise.all([redisEngine.start(), s3rverEngine.start()]);
  for (const e of engines) Object.assign(process.env, e.env);
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded once the engines' environment is set */
  const { startImagesWorld } = require('../examples/images/local-world') as typeof import('../examples/images/local-world');
  const { fuzzImagesRoute, imagesFuzzFixtures, imagesRoutes, stateReader } = require('./fuzz-images') as typeof import('./fuzz-images');
  const sharp = require('sharp') as typeof import('sharp');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const world = await startImagesWorld({ useRunningEngines: true, log: false, worker: false });
  const state = stateReader(world);
  try {
    const png = (kind: 'cat' | 'hat') => sharp({ create: { width: kind === 'cat' ? 24 : 8, height: kind === 'cat' ? 18 : 8, channels: 4, background: kind === 'cat' ? '#c96' : '#24d' } }).png().toBuffer();
    const fixtures = await imagesFuzzFixtures(world, png);
    const reports: FuzzReport[] = [];
    for (const route of imagesRoutes(fixtures)) {
      const t0 = Date.now();
      const report = await fuzzImagesRoute(world, route, RUNS, SEED, state);
      console.log(`${report.route}: ${RUNS} requests in ${((Date.now() - t0) / 1000).toFixed(0)} s; statuses ${JSON.stringify(report.statuses)}`);
      reports.push(report);
    }
    return reports;
  } finally {
    state.close();
    await world.stop();
    for (const e of engines) await e.stop();
  }
}

async function main(): Promise<void> {
  const started = await dynamoDbLocal.start();
  // One request at a time, but on a shared machine: the SDK time limits are not what is fuzzed.
  Object.assign(process.env, started.env, LIFTED, { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_SERVICE_NAME: 'fuzz', POWERTOOLS_METRICS_NAMESPACE: 'fuzz', POWERTOOLS_DEV: 'true' });
  let reports: FuzzReport[] = [];
  try {
    if (ONLY === 'all' || ONLY === 'counter') reports = reports.concat(await fuzzCounter());
    if (ONLY === 'all' || ONLY === 'pass') reports = reports.concat(await fuzzPass());
    if (ONLY === 'all' || ONLY === 'rewards') reports = reports.concat(await fuzzRewards());
    if (ONLY === 'all' || ONLY === 'images') reports = reports.concat(await fuzzImages());
  } finally {
    await started.stop();
  }
  console.log(`\nfuzz (seed ${SEED}, ${RUNS} bodies per route):`);
  console.log('| route | bodies | 5xx | writes on refusal | refusals without JSON request id | statuses |');
  console.log('|---|---|---|---|---|---|');
  for (const r of reports) console.log(`| ${r.route} | ${r.runs} | ${r.serverErrors} | ${r.writesOnRefusal} | ${r.malformedAnswers} | ${JSON.stringify(r.statuses)} |`);
  const bad = reports.filter((r) => r.serverErrors + r.writesOnRefusal + r.malformedAnswers > 0);
  console.log(bad.length === 0 ? `${reports.length} passed, 0 failed` : `${reports.length - bad.length} passed, ${bad.length} failed`);
  process.exit(bad.length === 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
