import { ScanCommand } from '@aws-sdk/client-dynamodb';
import * as fc from 'fast-check';
import { application, CITIZEN, POLICE, registration, REVIEWER, ADMIN, routeGroups, startPassRig, type PassRig, type Persona } from './pass-support';

// eslint-disable-next-line @typescript-eslint/no-require-imports

/**
 * Bad input everywhere: fast-check throws thousands of random bodies (junk JSON, wrong types,
 * unknown fields, injection strings, near-valid bodies with one field broken, no caller) at each
 * POST handler. None may answer 5xx, and a refused request must leave the table as it was.
 */

let rig: PassRig;
let passId: string;

beforeAll(async () => {
  rig = await startPassRig('pass-fuzz', routeGroups());
  expect((await rig.call('create-registration', { method: 'POST', resource: '/registrations', as: CITIZEN, body: registration() })).status).toBe(201);
  passId = (await rig.call('create-pass', { method: 'POST', resource: '/passes', as: CITIZEN, body: application() })).body.passId;
});

afterAll(async () => {
  await rig?.destroy();
});

async function itemCount(): Promise<number> {
  let n = 0;
  let start: Record<string, any> | undefined;
  do {
    const page = await rig.table.client.send(new ScanCommand({ TableName: rig.table.tableName, Select: 'COUNT', ConsistentRead: true, ExclusiveStartKey: start }));
    n += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return n;
}

const INJECTIONS = ["' OR '1'='1' --", '<script>alert(1)</script>', '${jndi:ldap://example.invalid/a}', '../../../../etc/passwd', '\u0000\u0007', '{"$ne":null}', 'a'.repeat(5000), '𝕏🚀 ZWJ\u200d'];
const junkString = fc.oneof(fc.string(), fc.constantFrom(...INJECTIONS), fc.string({ unit: 'grapheme', maxLength: 300 }));
const junkValue = fc.oneof(
  junkString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.string(), { maxKeys: 3 }),
);

/** A near-valid body: each field kept, dropped or replaced by junk; sometimes an unknown field. */
function nearValid(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const field = (v: unknown) => fc.oneof(
    { weight: 3, arbitrary: fc.constant(v) },
    { weight: 1, arbitrary: junkValue },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
  const fields = Object.fromEntries(Object.entries(valid).map(([k, v]) => [k, field(v)]));
  return fc.tuple(fc.record(fields), fc.option(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), junkValue)))
    .map(([body, extra]) => (extra && !(extra[0] in body) ? { ...body, [extra[0]]: extra[1] } : body));
}

/** A raw request body: junk JSON text, any JSON value, or a near-valid object. */
function bodies(valid: Record<string, unknown>): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    fc.string().map((s) => s),
    fc.constantFrom('{', '{"a":', '[1,2', 'null', '"x"', '{}', '[]', 'true', '1e309', '{"__proto__":{"admin":true}}'),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    { weight: 4, arbitrary: nearValid(valid).map((v) => JSON.stringify(v)) },
    fc.constant(undefined),
  );
}

const personas = (main: Persona) => fc.oneof(
  { weight: 5, arbitrary: fc.constant<Persona | undefined>(main) },
  { weight: 1, arbitrary: fc.constant<Persona | undefined>(undefined) },
);

interface FuzzCase {
  name: string;
  handler: string;
  resource: string;
  valid: () => Record<string, unknown>;
  as: Persona;
  params?: () => Record<string, string>;
}

const cases: FuzzCase[] = [
  { name: 'POST /registrations', handler: 'create-registration', resource: '/registrations', valid: () => registration({ nationalIdNumber: 'FZ000001' }), as: { sub: 'fuzz-user', name: 'Fuzz' } },
  { name: 'POST /passes', handler: 'create-pass', resource: '/passes', valid: () => application(), as: CITIZEN },
  { name: 'POST /passes/{passId}/decision', handler: 'decide-pass', resource: '/passes/{passId}/decision', valid: () => ({ decision: 'approve', reason: 'Looks fine' }), as: REVIEWER, params: () => ({ passId }) },
  { name: 'POST /passes/{passId}/revoke', handler: 'revoke-pass', resource: '/passes/{passId}/revoke', valid: () => ({ reason: 'Reported lost' }), as: ADMIN, params: () => ({ passId }) },
  { name: 'POST /verify', handler: 'verify', resource: '/verify', valid: () => ({ passNumber: passId, checkpoint: 'Gate 3', latitude: 1, longitude: 2 }), as: POLICE },
];

describe.each(cases)('$name under random bodies', ({ handler, resource, valid, as, params }) => {
  test('600 random bodies: never a 5xx; every refusal (4xx) leaves the table unchanged', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(fc.asyncProperty(bodies(valid()), personas(as), fc.boolean(), async (rawBody, caller, withParams) => {
      const before = await itemCount();
      const res = await rig.call(handler, {
        method: 'POST', resource, as: caller, rawBody, params: params && withParams ? params() : (params ? { passId: 'junk id!' } : undefined),
      });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect(res.status).toBeGreaterThanOrEqual(200);
      expect(res.status).toBeLessThan(500);
      if (res.status >= 400) {
        expect(await itemCount()).toBe(before);
        expect(res.body.requestId).toEqual(expect.any(String));
      }
    }), { numRuns: 600 });
    console.log(`${handler}: statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    // The generator reaches the validators (400) and beyond them.
    expect(statuses.get(400)).toBeGreaterThan(50);
  });
});

describe('huge bodies', () => {
  test.each(cases)('$name: 20 KB and 1 MB bodies answer 413 before parsing; nothing stored', async ({ handler, resource, as, params }) => {
    const before = await itemCount();
    for (const size of [20 * 1024, 1024 * 1024]) {
      const res = await rig.call(handler, { method: 'POST', resource, as, params: params?.(), rawBody: JSON.stringify({ note: 'x'.repeat(size) }) });
      expect(res.status).toBe(413);
    }
    expect(await itemCount()).toBe(before);
  });
});
