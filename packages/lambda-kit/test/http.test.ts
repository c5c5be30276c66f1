import { randomUUID } from 'crypto';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { z } from 'zod';
import { createTestTable, TestTable } from '../../../tools/engines/dynamodb-local';
import { ApiHandler, dynamoDb, httpHandler, NotFoundError } from '../src';
import { dynamoDbIdempotency } from '../src/idempotency';
import { apiGatewayEvent, lambdaContext } from '../src/testing';

const CreateItem = z.object({ name: z.string().min(1), quantity: z.number().int().positive() });

let items: TestTable;
let idempotency: TestTable;
let createItem: ApiHandler;

function event(overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return { ...apiGatewayEvent({ method: 'POST', resource: '/items', headers: { 'Content-Type': 'application/json' }, sourceIp: '203.0.113.7' }), ...overrides };
}

const context: Context = lambdaContext({ functionName: 'items', requestId: 'lambda-request', timeoutMs: 15 * 60_000 });

async function storedItems(): Promise<number> {
  const out = await items.client.send(new ScanCommand({ TableName: items.tableName, Select: 'COUNT' }));
  return out.Count ?? 0;
}

beforeAll(async () => {
  items = await createTestTable({ prefix: 'handler-kit-items', partitionKey: 'id' });
  idempotency = await createTestTable({ prefix: 'handler-kit-idempotency', partitionKey: 'id' });
  createItem = httpHandler({
    body: CreateItem,
    successStatus: 201,
    idempotency: dynamoDbIdempotency(idempotency.tableName),
    handle: async ({ body }) => {
      const item = { id: randomUUID(), ...body };
      await dynamoDb().send(new PutCommand({ TableName: items.tableName, Item: item }));
      return item;
    },
  });
});

afterAll(async () => {
  await items?.destroy();
  await idempotency?.destroy();
});

describe('httpHandler against DynamoDB Local', () => {
  test('a valid request stores an item and answers 201 with it', async () => {
    const before = await storedItems();
    const res = await createItem(event({ body: JSON.stringify({ name: 'hat', quantity: 2 }) }), context);
    expect(res.statusCode).toBe(201);
    const body = JSON.parse(res.body);
    expect(body).toMatchObject({ name: 'hat', quantity: 2, id: expect.any(String) });
    expect(await storedItems()).toBe(before + 1);
  });

  test('a malformed body answers 400 with the problems and the request id, and stores nothing', async () => {
    const before = await storedItems();
    const e = event({ body: JSON.stringify({ name: '', quantity: -1 }) });
    const res = await createItem(e, context);
    expect(res.statusCode).toBe(400);
    const body = JSON.parse(res.body);
    expect(body).toMatchObject({ error: 'BadRequest', requestId: e.requestContext.requestId });
    expect(body.details.map((d: { path: string }) => d.path).sort()).toEqual(['name', 'quantity']);

    const notJson = await createItem(event({ body: '{"name":' }), context);
    expect(notJson.statusCode).toBe(400);
    expect(JSON.parse(notJson.body).message).toMatch(/not valid JSON/);
    expect(await storedItems()).toBe(before);
  });

  test('a repeated Idempotency-Key returns the first answer without a second write', async () => {
    const before = await storedItems();
    const key = randomUUID();
    const body = JSON.stringify({ name: 'cat', quantity: 1 });
    const first = await createItem(event({ body, headers: { 'Idempotency-Key': key } }), context);
    const second = await createItem(event({ body, headers: { 'idempotency-key': key } }), context);
    expect(first.statusCode).toBe(201);
    expect(second).toEqual(first);
    expect(await storedItems()).toBe(before + 1);

    const reusedWithOtherBody = await createItem(event({ body: JSON.stringify({ name: 'dog', quantity: 1 }), headers: { 'Idempotency-Key': key } }), context);
    expect(reusedWithOtherBody.statusCode).toBe(422);
    expect(await storedItems()).toBe(before + 1);

    const withoutKey = await createItem(event({ body }), context);
    expect(JSON.parse(withoutKey.body).id).not.toEqual(JSON.parse(first.body).id);
    expect(await storedItems()).toBe(before + 2);
  });

  test('typed errors map to their status; unexpected errors answer 500 without a stack trace', async () => {
    const getItem = httpHandler({
      params: z.object({ id: z.string().uuid() }),
      handle: async ({ params }) => {
        if (params.id === '00000000-0000-4000-8000-000000000000') throw new Error('connection reset at /var/task/index.js:1:2');
        throw new NotFoundError(`No item ${params.id}`);
      },
    });
    const id = randomUUID();
    const missing = await getItem(event({ httpMethod: 'GET', resource: '/items/{id}', pathParameters: { id } }), context);
    expect(missing.statusCode).toBe(404);
    expect(JSON.parse(missing.body)).toMatchObject({ error: 'NotFound', message: `No item ${id}` });

    const e = event({ httpMethod: 'GET', resource: '/items/{id}', pathParameters: { id: '00000000-0000-4000-8000-000000000000' } });
    const broken = await getItem(e, context);
    expect(broken.statusCode).toBe(500);
    expect(JSON.parse(broken.body)).toEqual({ error: 'InternalError', message: 'Internal error', requestId: e.requestContext.requestId });
    expect(broken.body).not.toMatch(/var\/task|connection reset/);

    const badParam = await getItem(event({ httpMethod: 'GET', resource: '/items/{id}', pathParameters: { id: 'nope' } }), context);
    expect(badParam.statusCode).toBe(400);
  });

  test('required Cognito groups from the environment are enforced with 403', async () => {
    const handler = httpHandler({ handle: async () => ({ ok: true }) });
    process.env.RAMPART_REQUIRED_GROUPS = 'officers,admins';
    try {
      const claims = (groups: string) => ({ requestId: 'r1', authorizer: { claims: { 'sub': 'u1', 'cognito:groups': groups } } }) as any;
      expect((await handler(event({ httpMethod: 'GET', requestContext: claims('citizens') }), context)).statusCode).toBe(403);
      expect((await handler(event({ httpMethod: 'GET', requestContext: claims('citizens,officers') }), context)).statusCode).toBe(200);
      // TracedApi's group authorizer (a Lambda authorizer) hands the claims flat in `authorizer`.
      const flat = (groups: string) => ({ requestId: 'r1', authorizer: { 'principalId': 'u1', 'sub': 'u1', 'cognito:groups': groups } }) as any;
      expect((await handler(event({ httpMethod: 'GET', requestContext: flat('citizens') }), context)).statusCode).toBe(403);
      expect((await handler(event({ httpMethod: 'GET', requestContext: flat('admins') }), context)).statusCode).toBe(200);
    } finally {
      delete process.env.RAMPART_REQUIRED_GROUPS;
    }
  });
});

describe('httpHandler: the query string and a status chosen from the answer', () => {
  const search = httpHandler({
    query: z.strictObject({ kind: z.enum(['cat', 'hat']) }),
    successStatus: (result: { found: boolean }) => (result.found ? 200 : 202),
    handle: async ({ query }) => ({ found: query.kind === 'cat', kind: query.kind }),
  });
  const get = (query?: Record<string, string>) =>
    search(apiGatewayEvent({ method: 'GET', resource: '/search', query }), context);

  test('a valid query reaches the handler parsed; the answer picks its status', async () => {
    const cat = await get({ kind: 'cat' });
    expect([cat.statusCode, JSON.parse(cat.body)]).toEqual([200, { found: true, kind: 'cat' }]);
    expect((await get({ kind: 'hat' })).statusCode).toBe(202);
  });

  test('a missing, wrong or extra query value answers 400 naming it', async () => {
    const queries: (Record<string, string> | undefined)[] = [undefined, { kind: 'dog' }, { kind: 'cat', extra: '1' }];
    for (const query of queries) {
      const answer = await get(query);
      expect(answer.statusCode).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({ error: 'BadRequest', message: 'Invalid query string' });
    }
  });
});

describe('httpHandler: headers from the answer, and the domain errors mapped to HTTP', () => {
  class Missing extends Error {}
  const find = httpHandler({
    params: z.object({ id: z.string() }),
    successStatus: 201,
    headersOf: (item: { id: string }) => ({ Location: `/items/${item.id}` }),
    httpErrorOf: (error) => (error instanceof Missing ? new NotFoundError(error.message) : error),
    handle: async ({ params }) => {
      if (params.id === 'gone') throw new Missing('No item gone');
      if (params.id === 'boom') throw new Error('a bug');
      return { id: params.id };
    },
  });
  const call = (id: string) => find(apiGatewayEvent({ method: 'GET', resource: '/items/{id}', pathParameters: { id } }), context);

  test('a success carries the headers chosen from the answer beside the JSON ones', async () => {
    const answer = await call('hat');
    expect(answer.statusCode).toBe(201);
    expect(answer.headers).toMatchObject({ 'Location': '/items/hat', 'Content-Type': expect.stringContaining('application/json') });
  });

  test('a domain error is answered as the HttpError it maps to; an unmapped one stays a 500 without details', async () => {
    const missing = await call('gone');
    expect(missing.statusCode).toBe(404);
    expect(JSON.parse(missing.body)).toMatchObject({ message: 'No item gone' });
    const bug = await call('boom');
    expect(bug.statusCode).toBe(500);
    expect(bug.body).not.toContain('a bug');
    expect(bug.headers).not.toHaveProperty('Location');
  });
});
