import { ScanCommand } from '@aws-sdk/client-dynamodb';
import * as fc from 'fast-check';
import { application, CITIZEN, POLICE, registration, REVIEWER, ADMIN, type PassRig, type Persona } from '../examples/pass/local-rig';

/**
 * Random bodies for every POST route of the examples (junk JSON, wrong types, unknown fields,
 * injection strings, near-valid bodies with one field broken, no caller), shared by the seeded
 * sample in the test suite (pass-fuzz.test.ts) and the long run (`npx projen fuzz`, tools/fuzz.ts).
 */

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
export function bodies(valid: Record<string, unknown>): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    fc.string().map((s) => s),
    fc.constantFrom('{', '{"a":', '[1,2', 'null', '"x"', '{}', '[]', 'true', '1e309', '{"__proto__":{"admin":true}}'),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    { weight: 4, arbitrary: nearValid(valid).map((v) => JSON.stringify(v)) },
    fc.constant(undefined),
  );
}

export const personas = (main: Persona) => fc.oneof(
  { weight: 5, arbitrary: fc.constant<Persona | undefined>(main) },
  { weight: 1, arbitrary: fc.constant<Persona | undefined>(undefined) },
);

export interface FuzzCase {
  name: string;
  handler: string;
  resource: string;
  valid: () => Record<string, unknown>;
  as: Persona;
  params?: () => Record<string, string>;
}

/** The pass example's POST routes (`passId` names an existing pass). */
export function passCases(passId: () => string): FuzzCase[] {
  return [
    { name: 'POST /registrations', handler: 'create-registration', resource: '/registrations', valid: () => registration({ nationalIdNumber: 'FZ000001' }), as: { sub: 'fuzz-user', name: 'Fuzz' } },
    { name: 'POST /passes', handler: 'create-pass', resource: '/passes', valid: () => application(), as: CITIZEN },
    { name: 'POST /passes/{passId}/decision', handler: 'decide-pass', resource: '/passes/{passId}/decision', valid: () => ({ decision: 'approve', reason: 'Looks fine' }), as: REVIEWER, params: () => ({ passId: passId() }) },
    { name: 'POST /passes/{passId}/revoke', handler: 'revoke-pass', resource: '/passes/{passId}/revoke', valid: () => ({ reason: 'Reported lost' }), as: ADMIN, params: () => ({ passId: passId() }) },
    { name: 'POST /consents', handler: 'give-consent', resource: '/consents', valid: () => ({ applicant: { nationalIdType: 'national-id', nationalIdNumber: 'FZ000001' }, allow: true }), as: CITIZEN },
    { name: 'POST /verify', handler: 'verify', resource: '/verify', valid: () => ({ passNumber: passId(), checkpoint: 'Gate 3', latitude: 1, longitude: 2 }), as: POLICE },
  ];
}

/** Items in a table (consistent), to prove a refusal wrote nothing. */
export async function itemCount(rig: PassRig): Promise<number> {
  let n = 0;
  let start: Record<string, any> | undefined;
  do {
    const page = await rig.table.client.send(new ScanCommand({ TableName: rig.table.tableName, Select: 'COUNT', ConsistentRead: true, ExclusiveStartKey: start }));
    n += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return n;
}

/** What a fuzz run of one route saw. */
export interface FuzzReport {
  readonly route: string;
  readonly runs: number;
  readonly statuses: Record<number, number>;
  /** Answers of 500 or more. */
  readonly serverErrors: number;
  /** Refusals (4xx) after which the table had changed. */
  readonly writesOnRefusal: number;
  /** Answers without a request id or not JSON. */
  readonly malformedAnswers: number;
}

/**
 * Throws `runs` random bodies (seeded) at one pass route and counts what came back; never throws
 * on a bad answer (the caller asserts on the report), so a long run reports every count.
 */
export async function fuzzPassRoute(rig: PassRig, c: FuzzCase, runs: number, seed: number): Promise<FuzzReport> {
  const statuses: Record<number, number> = {};
  let serverErrors = 0;
  let writesOnRefusal = 0;
  let malformedAnswers = 0;
  await fc.assert(fc.asyncProperty(bodies(c.valid()), personas(c.as), fc.boolean(), async (rawBody, caller, withParams) => {
    const before = await itemCount(rig);
    const res = await rig.call(c.handler, {
      method: 'POST', resource: c.resource, as: caller, rawBody, params: c.params && withParams ? c.params() : (c.params ? { passId: 'junk id!' } : undefined),
    });
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    if (res.status >= 500) serverErrors++;
    if (res.status >= 400 && res.status < 500) {
      if ((await itemCount(rig)) !== before) writesOnRefusal++;
      if (typeof res.body?.requestId !== 'string') malformedAnswers++;
    }
  }), { numRuns: runs, seed });
  return { route: c.name, runs, statuses, serverErrors, writesOnRefusal, malformedAnswers };
}
