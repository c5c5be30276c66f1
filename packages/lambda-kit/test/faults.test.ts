import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { FaultProxy } from '../../../test/support/fault-proxy';
import { recordStalls } from '../../../test/support/stalls';
import { createTestTable, TestTable } from '../../../tools/engines/dynamodb-local';
import { deployedSdkLimits, LIFTED } from '../../../tools/sdk-limits';
import { ApiHandler, dynamoDb, httpHandler, isUnavailable, SDK_LIMITS, SDK_LIMITS_ENV, sdkClientConfig } from '../src';
import { jsonApiGatewayEvent, lambdaContext } from '../src/testing';

/**
 * The handler kit under a failing DynamoDB (DynamoDB Local behind a TCP proxy that refuses,
 * blackholes or drops replies): every answer is a JSON 503 with Retry-After, well within the
 * 3 s bound the SDK limits promise (instead of hanging until the function's timeout).
 */

const BOUND_MS = 3_000;

let table: TestTable;
let proxy: FaultProxy;
let put: ApiHandler;
let engineEndpoint: string;

function event(body: unknown): APIGatewayProxyEvent {
  return jsonApiGatewayEvent({ method: 'POST', resource: '/items', json: body, sourceIp: '203.0.113.7' });
}

// A fresh context per invocation, as Lambda gives: the budget also respects its remaining time.
const context = (): Context => lambdaContext({ functionName: 'items', requestId: 'lambda-request', timeoutMs: 10_000 });

/**
 * Calls the handler; `ms` is the answer's time less the stalls of this process inside it (when the
 * machine did not let it run: not the code's time, see test/support/stalls.ts).
 */
async function timed(body: unknown) {
  const stalls = recordStalls();
  try {
    const t0 = Date.now();
    const res = await put(event(body), context());
    const t1 = Date.now();
    return { ...res, ms: t1 - t0 - stalls.within(t0, t1), json: JSON.parse(res.body) };
  } finally {
    stalls.stop();
  }
}

let restoreLimits: () => void;

beforeAll(async () => {
  restoreLimits = deployedSdkLimits();
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  table = await createTestTable({ prefix: 'handler-kit-faults', partitionKey: 'id' });
  engineEndpoint = process.env.DYNAMODB_ENDPOINT!;
  proxy = await FaultProxy.start(engineEndpoint);
  // The kit's one client per container is created on first use: point it at the proxy first.
  process.env.DYNAMODB_ENDPOINT = proxy.endpoint;
  put = httpHandler({
    body: z.object({ id: z.string() }),
    successStatus: 201,
    handle: async ({ body }) => {
      await dynamoDb().send(new PutCommand({ TableName: table.tableName, Item: body }));
      return body;
    },
  });
});

afterAll(async () => {
  restoreLimits?.();
  process.env.DYNAMODB_ENDPOINT = engineEndpoint;
  await proxy?.stop();
  await table?.destroy();
});

afterEach(() => proxy.set('pass'));

async function stored(id: string): Promise<boolean> {
  const out = await dynamoDb().send(new GetCommand({ TableName: table.tableName, Key: { id }, ConsistentRead: true }));
  return out.Item !== undefined;
}

describe('handler kit under a failing DynamoDB', () => {
  test('clients get connection and request timeouts and at most two attempts', async () => {
    await timed({ id: 'first' });
    expect(sdkClientConfig().maxAttempts).toBe(SDK_LIMITS.maxAttempts);
    expect(await dynamoDb().config.maxAttempts()).toBe(SDK_LIMITS.maxAttempts);
    // NodeHttpHandler resolves its options on the first request (the healthy test made one).
    expect((dynamoDb().config.requestHandler as unknown as NodeHttpHandler).httpHandlerConfigs()).toMatchObject({
      connectionTimeout: SDK_LIMITS.connectionTimeoutMs,
      requestTimeout: SDK_LIMITS.requestTimeoutMs,
      throwOnRequestTimeout: true,
    });
    expect(SDK_LIMITS.requestBudgetMs).toBeLessThan(BOUND_MS);
    // The suite's lifted limits name the same variables (tools/sdk-limits.ts).
    const named = [SDK_LIMITS_ENV.connectionTimeoutMs, SDK_LIMITS_ENV.requestBudgetMs, SDK_LIMITS_ENV.requestTimeoutMs];
    expect(Object.keys(LIFTED).sort()).toEqual(named.sort());
  });

  test('healthy: 201 through the proxy', async () => {
    const res = await timed({ id: 'healthy' });
    expect(res.statusCode).toBe(201);
    expect(await stored('healthy')).toBe(true);
  });

  test.each(['refuse', 'blackhole'] as const)('%s: a JSON 503 with Retry-After within the bound, nothing stored', async (mode) => {
    await timed({ id: 'warm' }); // an open kept-alive socket, which the fault must affect too
    proxy.set(mode);
    const res = await timed({ id: `during-${mode}` });
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['Retry-After']).toMatch(/^\d+$/);
    expect(res.headers?.['Content-Type']).toBe('application/json');
    expect(res.json).toMatchObject({ error: 'ServiceUnavailable', requestId: expect.any(String) });
    expect(res.ms).toBeLessThan(BOUND_MS);
    proxy.set('pass');
    expect(await stored(`during-${mode}`)).toBe(false);
  });

  test('dropped replies: a 503 within the bound (the write may have landed: the caller retries with its key)', async () => {
    proxy.set('drop-replies');
    const res = await timed({ id: 'dropped' });
    expect(res.statusCode).toBe(503);
    expect(res.ms).toBeLessThan(BOUND_MS);
    expect(proxy.counts.droppedReplies).toBeGreaterThan(0);
  });

  test('a function about to time out makes no AWS call at all', async () => {
    const res = await put(event({ id: 'late' }), lambdaContext({ functionName: 'items', requestId: 'late', timeoutMs: 900 }));
    expect(res.statusCode).toBe(503);
    expect(await stored('late')).toBe(false);
  });

  test('after the fault the same client answers again', async () => {
    proxy.set('blackhole');
    expect((await timed({ id: 'x1' })).statusCode).toBe(503);
    proxy.set('pass');
    expect((await timed({ id: 'after' })).statusCode).toBe(201);
  });

  test('throttling and server errors are unavailability; validation errors are not', () => {
    expect(isUnavailable(Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' }))).toBe(true);
    expect(isUnavailable(Object.assign(new Error('x'), { name: 'ThrottlingException' }))).toBe(true);
    expect(isUnavailable(Object.assign(new Error('x'), { name: 'Whatever', $metadata: { httpStatusCode: 503 } }))).toBe(true);
    expect(isUnavailable(Object.assign(new Error('wrapped'), { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }))).toBe(true);
    expect(isUnavailable(Object.assign(new Error('x'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } }))).toBe(false);
    expect(isUnavailable(Object.assign(new Error('x'), { name: 'ConditionalCheckFailedException', $metadata: { httpStatusCode: 400 } }))).toBe(false);
    expect(isUnavailable(new TypeError('a bug'))).toBe(false);
  });

  test('a throttled call answers 503 with Retry-After, a bug still answers 500', async () => {
    const throttled = httpHandler({ handle: async () => { throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }); } });
    const res = await throttled(event(undefined), context());
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['Retry-After']).toBeDefined();
    const buggy = httpHandler({ handle: async () => { throw new TypeError('undefined is not a function'); } });
    const bug = await buggy(event(undefined), context());
    expect(bug.statusCode).toBe(500);
    expect(bug.headers?.['Retry-After']).toBeUndefined();
  });
});
