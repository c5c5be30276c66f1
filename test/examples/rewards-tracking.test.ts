import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchUpdateDevicePositionCommand, LocationClient } from '@aws-sdk/client-location';
import { DynamoDBDocumentClient, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { apiGatewayEvent, lambdaContext } from '@cdk-rampart/lambda-kit/testing';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import * as fc from 'fast-check';
import { PositionReport, type Point } from '../../examples/rewards/domain/proximity';
import { REWARDS_ENV } from '../../examples/rewards/domain/settings';
import { startRewardsLocal } from '../../examples/rewards/local-options';
import { devicePositionEvent } from '../../examples/rewards/storage/tracker-local';
import { locationServiceTracker } from '../../examples/rewards/storage/tracker-location-service';
import { REWARDS_SYSTEM } from '../../examples/rewards/system';
import type { LocalCaller, LocalExample } from '../../examples/shared/local-run';

/**
 * Proximity end to end through the local run (DynamoDB Local, the stand-in tracker, the real
 * handlers): officers share, civilians within 3 m are notified and 5 m away are not, expired and
 * stopped sharing notify nobody, the rate limit and de-duplication hold under concurrent writers,
 * wrong groups and bad bodies are refused with nothing written. Then the worker with a
 * real-shaped EventBridge event, and the Location Service tracker against a mock of its SDK client
 * (Location Service has no local engine).
 */

const { routes: ROUTES, tables: TABLES } = REWARDS_SYSTEM;
const METRE = 180 / (Math.PI * 6_371_008.8);
const north = (p: Point, metres: number): Point => ({ latitude: p.latitude + metres * METRE, longitude: p.longitude });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Each test meets somewhere of its own, so no test sees another's people. */
let place = 0;
const somewhere = (): Point => ({ latitude: 40 + (place++) * 0.01, longitude: -3.7 });

const users: Record<string, LocalCaller> = {};
const person = (kind: string, n: number) => {
  const sub = `trk-${kind}-${n}`;
  users[`${sub}-token`] = { claims: { sub, 'cognito:groups': kind } };
  return sub;
};
const civilians = Array.from({ length: 40 }, (_, i) => person('civilian', i));
const officers = Array.from({ length: 16 }, (_, i) => person('officer', i));
const merchant = person('merchant', 0);
let nextCivilian = 0;
let nextOfficer = 0;
const aCivilian = () => civilians[nextCivilian++];
const anOfficer = () => officers[nextOfficer++];

let local: LocalExample;
let doc: DynamoDBDocumentClient;
let client: DynamoDBClient;

interface Answer { readonly status: number; readonly body: any; readonly headers: Headers }

async function api(method: string, path: string, as: string | undefined, body?: unknown): Promise<Answer> {
  const res = await fetch(`${local.apiUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(as ? { authorization: `Bearer ${as}-token` } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

const share = (officer: string, sharing = true) => api('PUT', '/sharing', officer, { sharing });
const at = (who: string, p: Point, accuracy = 5) => api('POST', '/locations', who, { ...p, accuracy });
const notifications = async (civilian: string, since?: string) => {
  const answer = await api('GET', `/notifications${since ? `?since=${encodeURIComponent(since)}` : ''}`, civilian);
  expect(answer.status).toBe(200);
  return answer.body.notifications as any[];
};
const table = (spec: { readonly envName: string }) => local.tables[spec.envName];
async function items(spec: { readonly envName: string }): Promise<Record<string, any>[]> {
  const out = await doc.send(new ScanCommand({ TableName: table(spec), ConsistentRead: true }));
  return out.Items ?? [];
}

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_SERVICE_NAME = 'rewards';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'rewards';
  local = await startRewardsLocal({ dynamoDbEndpoint: process.env.DYNAMODB_ENDPOINT, users, log: false });
  client = new DynamoDBClient({ endpoint: local.dynamoDbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  doc = DynamoDBDocumentClient.from(client);
});

afterAll(async () => {
  client?.destroy();
  await local?.stop();
});

describe('the contract through the local run', () => {
  test('the routes are appended in the contract\'s order, with their groups', () => {
    const last = REWARDS_SYSTEM.routeList.slice(-4).map((r) => [r.method, r.path, r.handlerName, r.requiredGroups]);
    expect(last).toEqual([
      ['POST', '/locations', 'post-location', ['civilian', 'officer']],
      ['PUT', '/sharing', 'put-sharing', ['officer']],
      ['GET', '/sharing', 'get-sharing', ['officer']],
      ['GET', '/notifications', 'get-notifications', ['civilian']],
    ]);
    expect(REWARDS_SYSTEM.workers.locationEvents.handlerName).toBe('location-events');
  });

  test('an officer shares; a civilian 3 m away is notified (distance only), one 5 m away is not', async () => {
    const officer = anOfficer();
    const [near, far] = [aCivilian(), aCivilian()];
    const here = somewhere();
    const before = Date.now();
    const shared = await share(officer);
    expect(shared.status).toBe(200);
    expect(shared.body).toEqual({ sharing: true, expiresAt: expect.any(String), minutes: 15 });
    const expiresIn = Date.parse(shared.body.expiresAt) - before;
    expect(expiresIn).toBeGreaterThanOrEqual(15 * 60_000 - 1);
    expect(expiresIn).toBeLessThan(15 * 60_000 + 5_000);
    expect((await api('GET', '/sharing', officer)).body).toEqual(shared.body);

    const posted = await at(officer, here);
    expect(posted).toMatchObject({ status: 202, body: { accepted: true, at: expect.any(String) } });
    expect(Object.keys(posted.body).sort()).toEqual(['accepted', 'at']);
    expect((await at(near, north(here, 2.999))).status).toBe(202);
    expect((await at(far, north(here, 5))).status).toBe(202);

    const told = await notifications(near);
    expect(told).toEqual([{ id: expect.any(String), kind: 'officer-nearby', at: expect.any(String), distanceMetres: 3 }]);
    expect(JSON.stringify(told)).not.toContain(officer);
    expect(await notifications(far)).toEqual([]);
  });

  test('one notice per officer per 5 minutes; a second officer is a second notice; `since` leaves older ones out', async () => {
    const [first, second] = [anOfficer(), anOfficer()];
    const civilian = aCivilian();
    const here = somewhere();
    await share(first);
    await at(first, here);
    await at(civilian, north(here, 1));
    const [notice] = await notifications(civilian);
    await sleep(1_050);
    // The civilian moves, the officer moves: both still within 3 m, still one notice.
    await at(civilian, north(here, 2));
    await at(first, north(here, 0.5));
    expect(await notifications(civilian)).toHaveLength(1);
    // Another sharing officer approaches the standing civilian: the officer's move notifies.
    await share(second);
    await at(second, north(here, 3.5));
    const both = await notifications(civilian);
    expect(both).toHaveLength(2);
    expect(both[0].id).not.toBe(notice.id);
    expect(both[0].at >= both[1].at).toBe(true);
    // `since` is inclusive (the app passes the newest `at` it has seen and skips the ids it showed).
    expect(await notifications(civilian, both[0].at)).toEqual([both[0]]);
    expect(await notifications(civilian, new Date(Date.parse(both[0].at) + 1).toISOString())).toEqual([]);
    expect(await notifications(civilian, notice.at)).toEqual(both);
  });

  test('expired sharing notifies nobody and reads as off; renewing moves the expiry on', async () => {
    const officer = anOfficer();
    const civilian = aCivilian();
    const here = somewhere();
    await share(officer);
    await at(officer, here);
    // 15 minutes pass (the sharing item as it is then: DynamoDB's TTL deletes it only eventually).
    const past = new Date(Date.now() - 1_000);
    const expired = { pk: officer, until: past.toISOString(), expiresAt: Math.ceil(past.getTime() / 1000) };
    await doc.send(new PutCommand({ TableName: table(TABLES.sharing), Item: expired }));
    expect((await api('GET', '/sharing', officer)).body).toEqual({ sharing: false, expiresAt: null, minutes: 15 });
    await at(civilian, north(here, 1));
    expect(await notifications(civilian)).toEqual([]);

    const renewed = await share(officer);
    await sleep(5);
    const again = await share(officer);
    expect(Date.parse(again.body.expiresAt)).toBeGreaterThan(Date.parse(renewed.body.expiresAt));
    await sleep(1_050);
    await at(officer, north(here, 0.5));
    expect(await notifications(civilian)).toHaveLength(1);
  });

  test('stopping sharing: off at once, the officer\'s latest position is forgotten, nobody is notified', async () => {
    const officer = anOfficer();
    const civilian = aCivilian();
    const here = somewhere();
    await share(officer);
    await at(officer, here);
    const latest = async () => (await items(TABLES.locations)).filter((i) => i.pk === `user#${officer}` && String(i.sk).startsWith('latest#'));
    expect(await latest()).toHaveLength(1);
    expect((await share(officer, false)).body).toEqual({ sharing: false, expiresAt: null, minutes: 15 });
    expect(await latest()).toEqual([]);
    await at(civilian, north(here, 1));
    expect(await notifications(civilian)).toEqual([]);
    // Positions of an officer who does not share never reach the tracker (nor the tables).
    await sleep(1_050);
    const historyBefore = (await items(TABLES.locations)).filter((i) => i.pk === `user#${officer}` && String(i.sk).startsWith('at#')).length;
    expect((await at(officer, north(here, 0.2))).status).toBe(202);
    expect((await items(TABLES.locations)).filter((i) => i.pk === `user#${officer}` && String(i.sk).startsWith('at#'))).toHaveLength(historyBefore);
    expect(await notifications(civilian)).toEqual([]);
  });

  test('one position per user per second: 429 with Retry-After; of five at once exactly one is accepted', async () => {
    const civilian = aCivilian();
    const here = somewhere();
    expect((await at(civilian, here)).status).toBe(202);
    const again = await at(civilian, here);
    expect(again.status).toBe(429);
    expect(again.headers.get('retry-after')).toBe('1');
    expect(again.body).toMatchObject({ error: 'TooManyRequests', details: { retryAfterSeconds: 1 } });
    await sleep(1_050);
    const other = aCivilian();
    const burst = await Promise.all(Array.from({ length: 5 }, (_, i) => at(other, north(here, i))));
    expect(burst.map((a) => a.status).sort()).toEqual([202, 429, 429, 429, 429]);
    const history = (await items(TABLES.locations)).filter((i) => i.pk === `user#${other}` && String(i.sk).startsWith('at#'));
    expect(history).toHaveLength(1);
  });

  test('positions are kept an hour (TTL) in a table without a stream: they never reach the archive', async () => {
    const civilian = aCivilian();
    const posted = await at(civilian, somewhere());
    const kept = (await items(TABLES.locations)).filter((i) => i.pk === `user#${civilian}`);
    expect(kept.map((i) => String(i.sk).replace(/#.*/, '#')).sort()).toEqual(['at#', 'device', 'latest#']);
    for (const item of kept) expect(item.expiresAt).toBeCloseTo(Date.parse(posted.body.at) / 1000 + 3600, -1);
    const described = await client.send(new DescribeTableCommand({ TableName: table(TABLES.locations) }));
    expect(described.Table?.StreamSpecification?.StreamEnabled ?? false).toBe(false);
    expect(TABLES.locations).not.toHaveProperty('stream');
  });

  test('the wrong group is 403, no sign-in 401, and nothing is written', async () => {
    const before = (await items(TABLES.locations)).length;
    const civilian = aCivilian();
    const officer = anOfficer();
    expect((await at(merchant, somewhere())).status).toBe(403);
    expect((await api('PUT', '/sharing', civilian, { sharing: true })).status).toBe(403);
    expect((await api('GET', '/sharing', civilian)).status).toBe(403);
    expect((await api('GET', '/notifications', officer)).status).toBe(403);
    expect((await api('GET', '/notifications', merchant)).status).toBe(403);
    expect((await api('POST', '/locations', undefined, { latitude: 1, longitude: 1, accuracy: 1 })).status).toBe(401);
    expect((await items(TABLES.locations)).length).toBe(before);
    expect((await items(TABLES.sharing)).some((i) => i.pk === civilian)).toBe(false);
  });

  test('bad bodies and queries: 400 naming the field, nothing written', async () => {
    const civilian = aCivilian();
    const officer = anOfficer();
    const before = { locations: (await items(TABLES.locations)).length, sharing: (await items(TABLES.sharing)).length };
    const cases: [string, string, unknown, string][] = [
      ['POST', '/locations', { latitude: 91, longitude: 0, accuracy: 5 }, 'latitude'],
      ['POST', '/locations', { latitude: 0, longitude: -181, accuracy: 5 }, 'longitude'],
      ['POST', '/locations', { latitude: 0, longitude: 0, accuracy: 0 }, 'accuracy'],
      ['POST', '/locations', { latitude: 0, longitude: 0, accuracy: 101 }, 'accuracy'],
      ['POST', '/locations', { latitude: '0', longitude: 0, accuracy: 5 }, 'latitude'],
      ['POST', '/locations', { latitude: 0, longitude: 0 }, 'accuracy'],
      ['POST', '/locations', { latitude: 0, longitude: 0, accuracy: 5, deviceId: 'trk-officer-0' }, ''],
      ['PUT', '/sharing', { sharing: 'yes' }, 'sharing'],
      ['PUT', '/sharing', { sharing: true, minutes: 600 }, ''],
    ];
    for (const [method, path, body, field] of cases) {
      const answer = await api(method, path, method === 'PUT' ? officer : civilian, body);
      expect([path, answer.status]).toEqual([path, 400]);
      expect(answer.body.details[0].path).toBe(field);
    }
    expect((await api('POST', '/locations', civilian, '{"latitude": 1,')).body).toMatchObject({ error: 'BadRequest', message: 'The body is not valid JSON' });
    expect((await api('POST', '/locations', civilian)).status).toBe(400);
    const since = await api('GET', '/notifications?since=yesterday', civilian);
    expect(since).toMatchObject({ status: 400, body: { details: [{ path: 'since' }] } });
    expect((await items(TABLES.locations)).length).toBe(before.locations);
    expect((await items(TABLES.sharing)).length).toBe(before.sharing);
  });

  test('a seeded sample of 150 random bodies per route: 4xx (never 5xx), nothing written', async () => {
    const civilian = aCivilian();
    const officer = anOfficer();
    const before = { locations: (await items(TABLES.locations)).length, sharing: (await items(TABLES.sharing)).length };
    const junk = fc.oneof(
      fc.anything(),
      fc.record({
        latitude: fc.oneof(fc.double(), fc.string(), fc.constant(null)),
        longitude: fc.oneof(fc.double(), fc.integer()),
        accuracy: fc.oneof(fc.double(), fc.integer({ min: -5, max: 500 })),
        sharing: fc.oneof(fc.boolean(), fc.string()),
        extra: fc.anything(),
      }, { requiredKeys: [] }),
    );
    const bodies = fc.sample(junk, { numRuns: 150, seed: 20 }).filter((b) => !PositionReport.safeParse(b).success && !(typeof b === 'object' && b !== null && Object.keys(b).length === 1 && typeof (b as any).sharing === 'boolean'));
    expect(bodies.length).toBeGreaterThan(140);
    for (const body of bodies) {
      const text = JSON.stringify(body) ?? '{';
      for (const answer of [await api('POST', '/locations', civilian, text), await api('PUT', '/sharing', officer, text)]) {
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
      }
    }
    expect((await items(TABLES.locations)).length).toBe(before.locations);
    expect((await items(TABLES.sharing)).length).toBe(before.sharing);
  });
});

describe('the location-events worker', () => {
  type Worker = (event: unknown) => Promise<any>;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module the local run loaded once its environment was set
  const worker = (): Worker => require(`../../examples/rewards/handlers/${REWARDS_SYSTEM.workers.locationEvents.handlerName}`).handler;

  test('a real-shaped EventBridge position event notifies as the stand-in\'s does; other events are dropped, nothing written', async () => {
    const officer = anOfficer();
    const civilian = aCivilian();
    const here = somewhere();
    await share(officer);
    await at(officer, here);
    // The civilian's device is known (its first position was admitted), then its next position arrives from the tracker.
    await at(civilian, north(here, 10));
    expect(await notifications(civilian)).toEqual([]);
    const now = new Date();
    const event = {
      'version': '0',
      'id': 'aa11bb22-cc33-dd44-ee55-ff6677889900',
      'detail-type': 'Location Device Position Event',
      'source': 'aws.geo',
      'account': '123456789012',
      'time': now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      'region': 'eu-west-1',
      'resources': ['arn:aws:geo:eu-west-1:123456789012:tracker/RewardsTracker'],
      'detail': {
        EventType: 'UPDATE',
        TrackerName: 'RewardsTracker',
        DeviceId: civilian,
        SampleTime: now.toISOString(),
        ReceivedTime: now.toISOString(),
        Position: [here.longitude, north(here, 2).latitude],
        Accuracy: { Horizontal: 4 },
      },
    };
    expect(await worker()(event)).toEqual({ roles: ['civilian'], notified: 1 });
    expect(await worker()(event)).toEqual({ roles: ['civilian'], notified: 0 });
    expect(await notifications(civilian)).toHaveLength(1);
    // The stand-in's events have the same shape.
    const standIn = devicePositionEvent({ deviceId: civilian, sampleTime: now, latitude: 1, longitude: 2 });
    expect(Object.keys(standIn).sort()).toEqual(Object.keys(event).sort());
    expect(Object.keys(standIn.detail).sort()).toEqual(Object.keys(event.detail).filter((k) => k !== 'Accuracy').sort());

    const before = (await items(TABLES.locations)).length;
    const enter = { ...event, 'detail-type': 'Location Geofence Event', 'detail': { ...event.detail, EventType: 'ENTER', GeofenceId: 'g' } };
    expect(await worker()(enter)).toHaveProperty('ignored');
    expect(await worker()({ ...event, detail: { ...event.detail, Position: [200, 0] } })).toHaveProperty('ignored');
    expect(await worker()({ ...event, detail: { ...event.detail, DeviceId: 'never-admitted' } })).toEqual({ roles: [], notified: 0 });
    expect((await items(TABLES.locations)).length).toBe(before);
  });
});

describe('the Location Service tracker (a mock of its SDK client)', () => {
  const location = mockClient(LocationClient);
  type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module the local run loaded
  const postLocation = (): Handler => require(`../../examples/rewards/handlers/${ROUTES.trackLocation.handlerName}`).handler;
  const post = (sub: string, p: Point) => postLocation()(apiGatewayEvent({
    method: 'POST', resource: '/locations', claims: { 'sub': sub, 'cognito:groups': 'civilian' }, body: JSON.stringify({ ...p, accuracy: 6 }),
  }), lambdaContext({ functionName: 'rewards', requestId: 'lambda-request', timeoutMs: 10_000 }));

  beforeEach(() => {
    location.reset();
    process.env[REWARDS_ENV.TRACKER_NAME] = 'RewardsTracker';
  });
  afterAll(() => {
    delete process.env[REWARDS_ENV.TRACKER_NAME];
    location.restore();
  });

  test('POST /locations sends BatchUpdateDevicePosition: the user as device, [longitude, latitude], no accuracy', async () => {
    location.on(BatchUpdateDevicePositionCommand).resolves({ Errors: [] });
    const civilian = aCivilian();
    const res = await post(civilian, { latitude: 52.1, longitude: 4.3 });
    expect(res.statusCode).toBe(202);
    const calls = location.commandCalls(BatchUpdateDevicePositionCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0].args[0].input;
    expect(input.TrackerName).toBe('RewardsTracker');
    expect(input.Updates).toEqual([{ DeviceId: civilian, Position: [4.3, 52.1], SampleTime: expect.any(Date) }]);
  });

  test('a throttled or failing tracker is 503 with Retry-After; a refused position (misconfiguration) a 500 without details', async () => {
    location.on(BatchUpdateDevicePositionCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } }));
    const throttled = await post(aCivilian(), { latitude: 1, longitude: 1 });
    expect(throttled.statusCode).toBe(503);
    expect(throttled.headers).toMatchObject({ 'Retry-After': '2' });
    location.reset();
    location.on(BatchUpdateDevicePositionCommand).resolves({ Errors: [{ DeviceId: 'x', SampleTime: new Date(), Error: { Code: 'InternalServerError', Message: 'oops' } }] });
    expect((await post(aCivilian(), { latitude: 1, longitude: 1 })).statusCode).toBe(503);
    location.reset();
    location.on(BatchUpdateDevicePositionCommand).resolves({ Errors: [{ DeviceId: 'x', SampleTime: new Date(), Error: { Code: 'ResourceNotFoundError', Message: 'no tracker' } }] });
    const refused = await post(aCivilian(), { latitude: 1, longitude: 1 });
    expect(refused.statusCode).toBe(500);
    expect(JSON.parse(refused.body)).toEqual({ error: 'InternalError', message: 'Internal error', requestId: expect.any(String) });
  });

  test('the adapter sends at most ten positions per call (the API\'s limit)', async () => {
    location.on(BatchUpdateDevicePositionCommand).resolves({});
    const tracker = locationServiceTracker(new LocationClient({ region: 'eu-west-1' }), 'T');
    await tracker.updatePositions(Array.from({ length: 23 }, (_, i) => ({ deviceId: `d${i}`, sampleTime: new Date(), latitude: 0, longitude: i, accuracy: 1 })));
    expect(location.commandCalls(BatchUpdateDevicePositionCommand).map((c) => c.args[0].input.Updates!.length)).toEqual([10, 10, 3]);
  });
});

describe('the notifications table', () => {
  test('a notification and its quiet window expire (TTL) within the hour', async () => {
    const rows = await items(TABLES.notifications);
    expect(rows.length).toBeGreaterThan(0);
    const now = Date.now() / 1000;
    for (const row of rows) {
      expect(row.expiresAt).toBeGreaterThan(now);
      expect(row.expiresAt).toBeLessThanOrEqual(now + 3600 + 60);
    }
    const civilianRows = await doc.send(new QueryCommand({ TableName: table(TABLES.notifications), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': civilians[0] } }));
    expect((civilianRows.Items ?? []).map((i) => String(i.sk).replace(/#.*/, '')).sort()).toEqual(['n', 'quiet']);
  });
});
