import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { compilePath, LocalExample, MAX_REQUEST_BYTES, PortInUseError, startLocal, tokenIdentity } from '../../examples/shared/local-run';
import type { ExampleRoute } from '../../examples/shared/stack';
import { HttpMethod, RouteAuthorization } from '../../src/api';
import { canConnect } from '../../tools/engines/_process';

/**
 * The shared local runner: routes from a route table answered by real handlers in-process with
 * API Gateway REST proxy events, API keys, the identity hook, static pages with the site's headers,
 * and a clean stop (in-process, and for the per-example script on SIGTERM).
 */

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURE = path.join(__dirname, 'fixtures', 'echo');

const ROUTES: ExampleRoute[] = [
  { method: HttpMethod.GET, path: '/items/{itemId}', handlerName: 'echo', authorization: RouteAuthorization.NONE },
  { method: HttpMethod.GET, path: '/items/special', handlerName: 'echo', authorization: RouteAuthorization.NONE },
  { method: HttpMethod.POST, path: '/files/{key+}', handlerName: 'echo', authorization: RouteAuthorization.COGNITO, requiredGroups: ['staff'] },
  { method: HttpMethod.PUT, path: '/keyed', handlerName: 'echo', authorization: RouteAuthorization.NONE, apiKeyRequired: true },
  { method: HttpMethod.GET, path: '/signed', handlerName: 'echo', authorization: RouteAuthorization.IAM },
];

describe('compilePath', () => {
  test.each([
    ['/counter', '/counter', {}],
    ['/items/{itemId}', '/items/a%20b', { itemId: 'a%20b' }],
    ['/files/{key+}', '/files/a/b/c.txt', { key: 'a/b/c.txt' }],
    ['/', '/', {}],
  ])('%s matches %s', (template, url, params) => {
    const { pattern, paramNames } = compilePath(template);
    const m = pattern.exec(url)!;
    expect(m).not.toBeNull();
    expect(Object.fromEntries(paramNames.map((n, i) => [n, m[i + 1]]))).toEqual(params);
  });

  test.each([
    ['/counter', '/counters'],
    ['/items/{itemId}', '/items/a/b'],
    ['/items/{itemId}', '/items/'],
    ['/files/{key+}', '/files'],
  ])('%s does not match %s', (template, url) => {
    expect(compilePath(template).pattern.test(url)).toBe(false);
  });
});

describe('startLocal (in-process)', () => {
  let local: LocalExample;
  const call = (p: string, init: RequestInit = {}) => fetch(`${local.apiUrl}${p}`, init);

  beforeAll(async () => {
    local = await startLocal({
      example: 'echo',
      routes: ROUTES,
      handlersDir: path.join(FIXTURE, 'handlers'),
      webDir: path.join(FIXTURE, 'web'),
      stageName: 'v2',
      tables: [{ envName: 'ECHO_TABLE' }],
      dynamoDbEndpoint: process.env.DYNAMODB_ENDPOINT,
      apiKey: 'local-key',
      identity: tokenIdentity({
        'staff-token': { claims: { 'sub': 'u-1', 'cognito:groups': 'staff,members' } },
        'member-token': { claims: { 'sub': 'u-2', 'cognito:groups': 'members' } },
      }),
      webConfig: { environment: 'test' },
      log: false,
    });
  });

  afterAll(async () => {
    await local?.stop();
  });

  test('a route gets an API Gateway REST proxy event: resource, path, path parameters, headers, query, request context', async () => {
    const res = await call('/items/cam%2042?colour=black&colour=silver&size=s', { headers: { 'X-Trace': 'abc' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-echo')).toBe('yes');
    const { event, table } = await res.json();
    expect(table).toBe(local.tables.ECHO_TABLE);
    expect(event).toMatchObject({
      resource: '/items/{itemId}',
      path: '/items/cam%2042',
      httpMethod: 'GET',
      pathParameters: { itemId: 'cam 42' },
      queryStringParameters: { colour: 'silver', size: 's' },
      multiValueQueryStringParameters: { colour: ['black', 'silver'], size: ['s'] },
      body: null,
      isBase64Encoded: false,
      stageVariables: null,
      requestContext: {
        resourcePath: '/items/{itemId}',
        httpMethod: 'GET',
        path: '/v2/items/cam%2042',
        stage: 'v2',
        requestId: res.headers.get('x-amzn-requestid'),
        identity: { sourceIp: '127.0.0.1', apiKey: null },
        authorizer: null,
      },
    });
    expect(event.headers['X-Trace']).toBe('abc');
    expect(event.multiValueHeaders['X-Trace']).toEqual(['abc']);
    expect(event.requestContext.requestTimeEpoch).toBeGreaterThan(0);
  });

  test('a literal path wins over a parameter, as on API Gateway', async () => {
    const { event } = await (await call('/items/special')).json();
    expect(event.resource).toBe('/items/special');
    expect(event.pathParameters).toBeNull();
  });

  test('unknown paths and methods answer 403 Missing Authentication Token, like API Gateway', async () => {
    for (const res of [await call('/nowhere'), await call('/items/1', { method: 'DELETE' })]) {
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ message: 'Missing Authentication Token', requestId: expect.any(String) });
    }
  });

  test('apiKeyRequired routes need the local key in x-api-key', async () => {
    expect((await call('/keyed', { method: 'PUT' })).status).toBe(403);
    expect((await call('/keyed', { method: 'PUT', headers: { 'x-api-key': 'wrong' } })).status).toBe(403);
    const ok = await call('/keyed', { method: 'PUT', headers: { 'x-api-key': 'local-key' }, body: '{"a":1}' });
    expect(ok.status).toBe(200);
    const { event } = await ok.json();
    expect(event.body).toBe('{"a":1}');
    expect(event.requestContext.identity.apiKey).toBe('local-key');
  });

  test('COGNITO routes: the identity hook fills requestContext.authorizer.claims; no caller 401; groups are the function\'s to check', async () => {
    expect((await call('/files/a/b.txt', { method: 'POST' })).status).toBe(401);
    // The local gateway checks no groups (API Gateway never does): this echo handler checks none, so a
    // member reaches it, and a handler that forgot its check would fail its own tests here too.
    const member = await call('/files/a/b.txt', { method: 'POST', headers: { authorization: 'Bearer member-token' } });
    expect(member.status).toBe(200);
    expect((await member.json()).event.requestContext.authorizer.claims['cognito:groups']).toBe('members');
    const staff = await call('/files/a/b.txt', { method: 'POST', headers: { authorization: 'Bearer staff-token' } });
    expect(staff.status).toBe(200);
    const { event } = await staff.json();
    expect(event.pathParameters).toEqual({ key: 'a/b.txt' });
    expect(event.requestContext.authorizer.claims).toEqual({ 'sub': 'u-1', 'cognito:groups': 'staff,members' });
  });

  test('IAM routes refuse requests without a local IAM caller', async () => {
    expect((await call('/signed')).status).toBe(403);
  });

  test('a handler that throws answers 502 and the server keeps serving', async () => {
    const res = await call('/items/1?fail=throw');
    expect(res.status).toBe(502);
    expect((await call('/items/1')).status).toBe(200);
  });

  test('serves the pages with the site\'s security headers and the runtime config.json; nothing outside the web folder', async () => {
    const page = await fetch(local.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(await page.text()).toContain('<p>echo</p>');
    expect(await (await fetch(`${local.url}config.json`)).json()).toEqual({ apiBaseUrl: '/v2', environment: 'test' });
    expect((await fetch(`${local.url}%2e%2e/%2e%2e/package.json`)).status).toBe(404);
    expect((await fetch(`${local.url}missing.js`)).status).toBe(404);
    expect((await fetch(local.url, { method: 'POST' })).status).toBe(405);
  });

  test('a malformed percent-encoding in the path answers a JSON 400, as API Gateway does, and the server keeps serving', async () => {
    for (const bad of ['/items/%zz', '/items/%', '/items/a%E0%A4%A']) {
      const res = await call(bad);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(await res.json()).toEqual({ message: expect.stringMatching(/percent-encoding/), requestId: expect.any(String) });
    }
    expect((await call('/items/1')).status).toBe(200);
  });

  test('a body over API Gateway\'s 10 MB answers a JSON 413 without reaching the handler; 1 MB passes', async () => {
    const headers = { 'authorization': 'Bearer staff-token', 'content-type': 'application/octet-stream' };
    const big = await call('/files/a.bin', { method: 'POST', headers, body: Buffer.alloc(MAX_REQUEST_BYTES + 1, 1) });
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toBe('application/json');
    expect((await big.json()).message).toMatch(/Too Large/);
    const ok = await call('/files/a.bin', { method: 'POST', headers, body: Buffer.alloc(1024 * 1024, 1) });
    expect(ok.status).toBe(200);
  });

  test('a port already in use fails with a clear message naming the port and what to do', async () => {
    const port = Number(new URL(local.url).port);
    const attempt = startLocal({ example: 'echo', routes: ROUTES, handlersDir: path.join(FIXTURE, 'handlers'), port, log: false });
    await expect(attempt).rejects.toThrow(PortInUseError);
    await expect(attempt).rejects.toThrow(new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is already in use.*--port`));
  });

  test('a route table naming a missing handler fails before anything starts', async () => {
    await expect(startLocal({
      example: 'echo',
      routes: [{ method: HttpMethod.GET, path: '/x', handlerName: 'missing', authorization: RouteAuthorization.NONE }],
      handlersDir: path.join(FIXTURE, 'handlers'),
      log: false,
    })).rejects.toThrow(/handler file .*missing\.ts does not exist/);
  });
});

describe('tables', () => {
  test('a table as a system declares it: its keys, its global secondary indexes and its stream; pages: false serves no page', async () => {
    const local = await startLocal({
      example: 'echo',
      routes: ROUTES,
      handlersDir: path.join(FIXTURE, 'handlers'),
      webDir: path.join(FIXTURE, 'web'),
      tables: [
        { envName: 'ECHO_TABLE' },
        {
          envName: 'ECHO_INDEXED',
          partitionKey: 'pk',
          sortKey: 'sk',
          globalSecondaryIndexes: [{ indexName: 'byOwner', partitionKey: 'ownerPk', sortKey: 'ownerSk' }, { indexName: 'byKind', partitionKey: 'kind' }],
          stream: 'NEW_AND_OLD_IMAGES',
        },
      ],
      dynamoDbEndpoint: process.env.DYNAMODB_ENDPOINT,
      pages: false,
      log: false,
    });
    const { DescribeTableCommand, DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    // DynamoDB Local keeps one database per access key (no -sharedDb): the runner's key.
    const client = new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    try {
      const { Table: table } = await client.send(new DescribeTableCommand({ TableName: local.tables.ECHO_INDEXED }));
      expect(table!.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }]);
      expect(table!.GlobalSecondaryIndexes!.map((i) => [i.IndexName, i.KeySchema, i.Projection?.ProjectionType]).sort()).toEqual([
        ['byKind', [{ AttributeName: 'kind', KeyType: 'HASH' }], 'ALL'],
        ['byOwner', [{ AttributeName: 'ownerPk', KeyType: 'HASH' }, { AttributeName: 'ownerSk', KeyType: 'RANGE' }], 'ALL'],
      ]);
      expect(table!.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
      expect(local.streams).toEqual({ ECHO_INDEXED: table!.LatestStreamArn });
      const plain = (await client.send(new DescribeTableCommand({ TableName: local.tables.ECHO_TABLE }))).Table!;
      expect(plain.GlobalSecondaryIndexes).toBeUndefined();
      expect(plain.StreamSpecification?.StreamEnabled ?? false).toBe(false);
      expect((await fetch(local.url)).status).toBe(404);
    } finally {
      client.destroy();
      await local.stop();
    }
  });
});

describe('stop', () => {
  test('stop() frees the port and deletes the tables it created on an engine it did not start', async () => {
    const local = await startLocal({
      example: 'echo',
      routes: ROUTES,
      handlersDir: path.join(FIXTURE, 'handlers'),
      webDir: path.join(FIXTURE, 'web'),
      tables: [{ envName: 'ECHO_TABLE' }],
      dynamoDbEndpoint: process.env.DYNAMODB_ENDPOINT,
      log: false,
    });
    const port = Number(new URL(local.url).port);
    expect(await canConnect(port)).toBe(true);
    await local.stop();
    await local.stop();
    expect(await canConnect(port)).toBe(false);
    const { DynamoDBClient, ListTablesCommand } = await import('@aws-sdk/client-dynamodb');
    // The runner's access key: DynamoDB Local keeps one database per key, so another key would list nothing.
    const client = new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const tables = (await client.send(new ListTablesCommand({}))).TableNames ?? [];
    client.destroy();
    expect(tables).not.toContain(local.tables.ECHO_TABLE);
  });

  test('the counter script (examples/counter/local.ts) serves, and on SIGTERM stops with no process left and the ports free', async () => {
    const child = spawn(process.execPath, [require.resolve('ts-node/dist/bin'), '--swc', 'examples/counter/local.ts', '--port', '0'], {
      cwd: ROOT,
      env: { ...process.env, DYNAMODB_ENDPOINT: '', POWERTOOLS_LOG_LEVEL: 'SILENT' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 90_000;
    while (!output.includes('Press Ctrl-C') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
    expect(output).toContain('Press Ctrl-C to stop.');

    const web = /Web:\s+(http:\/\/127\.0\.0\.1:(\d+)\/)/.exec(output)!;
    const dynamo = /DynamoDB: http:\/\/127\.0\.0\.1:(\d+) \(DynamoDB Local, pid (\d+)\)/.exec(output)!;
    expect(web).not.toBeNull();
    expect(dynamo).not.toBeNull();
    const ports = [Number(web[2]), Number(dynamo[1])];
    const descendants = descendantsOf(child.pid!);
    expect(descendants).toContain(Number(dynamo[2]));

    expect(await (await fetch(`${web[1]}v1/counter`)).json()).toEqual({ value: 1000 });
    expect(await (await fetch(`${web[1]}v1/decrement`, { method: 'POST' })).json()).toEqual({ value: 999 });
    // Reset needs a staff sign-in: none is 401, a wrong token 401, the printed staff token resets.
    expect((await fetch(`${web[1]}v1/reset`, { method: 'PUT' })).status).toBe(401);
    expect((await fetch(`${web[1]}v1/reset`, { method: 'PUT', headers: { authorization: 'Bearer not-staff' } })).status).toBe(401);
    const staffToken = /Staff sign-in token \(Reset, Authorization: Bearer\): (\S+)/.exec(output)![1];
    expect(await (await fetch(`${web[1]}v1/reset`, { method: 'PUT', headers: { authorization: `Bearer ${staffToken}` } })).json()).toEqual({ value: 1000 });
    expect(await (await fetch(`${web[1]}v1/decrement`, { method: 'POST' })).json()).toEqual({ value: 999 });
    // A sale retried with its Idempotency-Key counts once in the local run, as deployed.
    const retried = () => fetch(`${web[1]}v1/decrement`, { method: 'POST', headers: { 'Idempotency-Key': 'local-sale-0001' } });
    expect(await (await retried()).json()).toEqual({ value: 998 });
    expect(await (await retried()).json()).toEqual({ value: 998 });
    expect(await (await fetch(`${web[1]}v1/counter`)).json()).toEqual({ value: 998 });

    // A second run on the same port says so in one line and exits 1, without a stack trace.
    const second = spawn(process.execPath, [require.resolve('ts-node/dist/bin'), '--swc', 'examples/counter/local.ts', '--port', web[2]], {
      cwd: ROOT,
      env: { ...process.env, DYNAMODB_ENDPOINT: `http://127.0.0.1:${dynamo[1]}`, POWERTOOLS_LOG_LEVEL: 'SILENT' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let secondOutput = '';
    second.stdout.on('data', (d) => { secondOutput += d; });
    second.stderr.on('data', (d) => { secondOutput += d; });
    expect(await new Promise<number | null>((resolve) => second.on('exit', (code) => resolve(code)))).toBe(1);
    expect(secondOutput).toContain(`Port ${web[2]} on 127.0.0.1 is already in use`);
    expect(secondOutput).not.toMatch(/^\s+at /m);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('Stopped; nothing left running.');
    const survivors = [child.pid!, ...descendants].filter(alive).map((pid) => `${pid}: ${commandOf(pid)}`);
    expect(survivors).toEqual([]);
    for (const port of ports) expect(await canConnect(port)).toBe(false);
  });
});

/** Running (a zombie waiting for its new parent to reap it counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function commandOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '(gone)';
  }
}

/** Every process below `pid` (Linux /proc). */
function descendantsOf(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parents) if (parent === p) { found.push(child); walk(child); }
  };
  walk(pid);
  return found;
}
