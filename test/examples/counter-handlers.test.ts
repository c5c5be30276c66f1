import { randomUUID } from 'crypto';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { apiGatewayEvent, lambdaContext } from '@cdk-rampart/lambda-kit/testing';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { COUNTER_ENV, COUNTER_TABLE_KEY } from '../../examples/counter/domain/settings';
import { startCounterLocal, type CounterLocal } from '../../examples/counter/local-options';
import { COUNTER_SYSTEM } from '../../examples/counter/system';
import { withLiftedSdkLimits } from '../../tools/sdk-limits';

/**
 * The counter's handlers, in-process, against DynamoDB Local: atomic under 1,000 concurrent sales,
 * never below zero, 409 at zero, reset, and malformed requests refused without a write. The system
 * is started as the README's local run starts it (its tables and the functions' environment from
 * the system declaration); the handlers are then called with API Gateway events directly.
 */

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

let local: CounterLocal;
let client: DynamoDBClient;
let getCounter: Handler;
let decrement: Handler;
let reset: Handler;
let parseStart: (raw: string | undefined, fallback: number) => number;

function event(method: string, resource: string, overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return { ...apiGatewayEvent({ method, resource, sourceIp: '203.0.113.9' }), ...overrides };
}

const context: Context = lambdaContext({ functionName: 'counter', requestId: 'lambda-request', timeoutMs: 15 * 60_000 });

const { routes: ROUTES } = COUNTER_SYSTEM;

/** A request to a route of the system declaration, as API Gateway sends it. */
function request(route: { readonly method: string; readonly path: string }, overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return event(route.method, route.path, overrides);
}

const sell = () => decrement(request(ROUTES.sell), context);
const read = () => getCounter(request(ROUTES.read), context);

/** The value as stored (undefined before the first write), read around the handlers. */
async function stored(): Promise<number | undefined> {
  const out = await client.send(new GetItemCommand({ TableName: local.tables[COUNTER_SYSTEM.tables.counter.envName], Key: { [COUNTER_TABLE_KEY]: { S: 'cameras' } }, ConsistentRead: true }));
  return out.Item?.value?.N === undefined ? undefined : Number(out.Item.value.N);
}

function valueOf(result: APIGatewayProxyResult): number {
  return JSON.parse(result.body).value;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

beforeAll(async () => {
  // Refusals are logged at INFO and the 500 case at ERROR; they would drown the test output.
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_SERVICE_NAME = 'counter';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'counter';
  // The suite's DynamoDB Local; the run creates the system's tables there and deletes them on stop.
  local = await startCounterLocal({ dynamoDbEndpoint: process.env.DYNAMODB_ENDPOINT, pages: false, log: false });
  client = new DynamoDBClient({ endpoint: local.dynamoDbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  // The modules the local run loaded once their environment was set, as Lambda loads them.
  /* eslint-disable @typescript-eslint/no-require-imports */
  getCounter = require(`../../examples/counter/handlers/${COUNTER_SYSTEM.routes.read.handlerName}`).handler;
  decrement = require(`../../examples/counter/handlers/${COUNTER_SYSTEM.routes.sell.handlerName}`).handler;
  reset = require(`../../examples/counter/handlers/${COUNTER_SYSTEM.routes.reset.handlerName}`).handler;
  parseStart = require('../../examples/counter/domain/policies/count-rules').parseStart;
  /* eslint-enable @typescript-eslint/no-require-imports */
});

afterAll(async () => {
  client?.destroy();
  await local?.stop();
});

describe('counter handlers on DynamoDB Local', () => {
  test('GET /counter reads the start value before the first sale, without writing', async () => {
    const res = await read();
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ value: 1000 });
    expect(await stored()).toBeUndefined();
  });

  test('1,000 concurrent sales from 1,000 end at exactly 0 with 1,000 successes; 50 more all answer 409; never negative', async () => {
    let lowest = Infinity;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const v = await stored();
        if (v !== undefined) lowest = Math.min(lowest, v);
      }
    })();

    const latencies: number[] = [];
    const timedSale = async () => {
      const t0 = process.hrtime.bigint();
      const res = await sell();
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      return res;
    };
    const wallStart = Date.now();
    // 1,000 invocations share this process and one DynamoDB Local: each waits for the others.
    const results = await withLiftedSdkLimits(() => Promise.all(Array.from({ length: 1000 }, timedSale)));
    const wallMs = Date.now() - wallStart;

    const statuses = results.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1000);
    // Every value from 999 down to 0 was handed out exactly once: no lost or doubled update.
    const values = results.map(valueOf).sort((a, b) => a - b);
    expect(values).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(await stored()).toBe(0);

    const extra = await Promise.all(Array.from({ length: 50 }, () => sell()));
    expect(extra.map((r) => r.statusCode)).toEqual(Array(50).fill(409));
    for (const r of extra) {
      expect(r.headers?.['Content-Type']).toBe('application/json');
      expect(JSON.parse(r.body)).toMatchObject({ error: 'Conflict', message: expect.stringMatching(/at 0/), requestId: expect.any(String) });
    }
    expect(await stored()).toBe(0);
    watching = false;
    await watcher;
    expect(lowest).toBeGreaterThanOrEqual(0);
    expect(JSON.parse((await read()).body)).toEqual({ value: 0 });

    latencies.sort((a, b) => a - b);
    console.log('counter: 1,000 concurrent decrements (in-process handlers, DynamoDB Local): '
      + `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, `
      + `max ${latencies[latencies.length - 1].toFixed(1)} ms, wall ${wallMs} ms`);
  });

  test('PUT /reset restores 1000', async () => {
    const res = await reset(request(ROUTES.reset), context);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ value: 1000 });
    expect(await stored()).toBe(1000);
    const sale = await sell();
    expect(valueOf(sale)).toBe(999);
  });

  test('a sale retried with the same Idempotency-Key counts once and gets the first answer; another key sells again', async () => {
    const before = (await stored())!;
    const saleId = `sale-${randomUUID()}`;
    const once = () => decrement(request(ROUTES.sell, { headers: { 'Idempotency-Key': saleId } }), context);
    const [first, retryA, retryB] = await Promise.all([once(), once(), once()].map((p) => p.catch((e) => e)));
    const answers = [first, retryA, retryB] as APIGatewayProxyResult[];
    // Concurrent duplicates: one runs, the others get its answer or a 409 "still in progress".
    expect(answers.filter((a) => a.statusCode === 200).length).toBeGreaterThanOrEqual(1);
    expect(answers.every((a) => a.statusCode === 200 || a.statusCode === 409)).toBe(true);
    expect(new Set(answers.filter((a) => a.statusCode === 200).map(valueOf))).toEqual(new Set([before - 1]));
    const later = await once();
    expect(later.statusCode).toBe(200);
    expect(valueOf(later)).toBe(before - 1);
    expect(await stored()).toBe(before - 1);

    const other = await decrement(request(ROUTES.sell, { headers: { 'Idempotency-Key': `sale-${randomUUID()}` } }), context);
    expect(valueOf(other)).toBe(before - 2);
    expect(await stored()).toBe(before - 2);
  });

  test('uncontended: 200 sales one after another (the latency of one handler call without queueing)', async () => {
    const before = (await stored())!;
    const latencies: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = process.hrtime.bigint();
      const res = await sell();
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      expect(valueOf(res)).toBe(before - i - 1);
    }
    latencies.sort((a, b) => a - b);
    console.log('counter: 200 sequential decrements (in-process handlers, DynamoDB Local): '
      + `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`);
    expect(await stored()).toBe(before - 200);
  });

  test.each([
    ['wrong method on the decrement handler', 405, () => decrement(event('DELETE', ROUTES.sell.path), context)],
    ['wrong method on the reset handler', 405, () => reset(event('POST', ROUTES.reset.path), context)],
    ['a body on GET', 400, () => getCounter(request(ROUTES.read, { body: '{"value":5}' }), context)],
    ['junk JSON on POST /decrement', 400, () => decrement(request(ROUTES.sell, { body: '{"value":' }), context)],
    ['a JSON body on POST /decrement', 400, () => decrement(request(ROUTES.sell, { body: '{"count":50}' }), context)],
    ['junk JSON on PUT /reset', 400, () => reset(request(ROUTES.reset, { body: 'reset please' }), context)],
    ['a JSON body on PUT /reset', 400, () => reset(request(ROUTES.reset, { body: '{"value":5}' }), context)],
  ])('%s answers %d and changes nothing', async (_name, status, call) => {
    const before = await stored();
    expect(before).toBeDefined();
    const res = await call();
    expect(res.statusCode).toBe(status);
    expect(JSON.parse(res.body)).toMatchObject({ requestId: expect.any(String) });
    expect(await stored()).toBe(before);
  });

  test('a configured start value is read, sold from and reset to', async () => {
    process.env[COUNTER_ENV.ID] = `start-5-${randomUUID()}`;
    process.env[COUNTER_ENV.START] = '5';
    try {
      expect(valueOf(await read())).toBe(5);
      expect(valueOf(await sell())).toBe(4);
      expect(valueOf(await reset(request(ROUTES.reset), context))).toBe(5);
    } finally {
      process.env[COUNTER_ENV.ID] = 'cameras';
      process.env[COUNTER_ENV.START] = '1000';
    }
  });

  test('a start value below 1 is refused (an absent item must never sell below zero)', () => {
    expect(() => parseStart('0', 1000)).toThrow(/COUNTER_START: '0'.*at least 1/);
    expect(() => parseStart('2.5', 1000)).toThrow(/COUNTER_START/);
    expect(parseStart(undefined, 1000)).toBe(1000);
    expect(parseStart('7', 1000)).toBe(7);
  });

  test('a misconfigured start value answers 500 with a request id and no details, and writes nothing', async () => {
    process.env[COUNTER_ENV.START] = '-3';
    try {
      const before = await stored();
      const res = await sell();
      expect(res.statusCode).toBe(500);
      expect(JSON.parse(res.body)).toEqual({ error: 'InternalError', message: 'Internal error', requestId: expect.any(String) });
      expect(await stored()).toBe(before);
    } finally {
      process.env[COUNTER_ENV.START] = '1000';
    }
  });
});
