import { application, CITIZEN, registration, routeGroups, startPassRig, type PassRig } from './pass-support';
import { fuzzPassRoute, itemCount as countItems, passCases } from '../../tools/fuzz-support';

// eslint-disable-next-line @typescript-eslint/no-require-imports

/**
 * Bad input everywhere: fast-check throws thousands of random bodies (junk JSON, wrong types,
 * unknown fields, injection strings, near-valid bodies with one field broken, no caller) at each
 * POST handler. None may answer 5xx, and a refused request must leave the table as it was.
 */

let rig: PassRig;
let passId: string;

beforeAll(async () => {
  rig = await startPassRig(routeGroups());
  expect((await rig.call('create-registration', { method: 'POST', resource: '/registrations', as: CITIZEN, body: registration() })).status).toBe(201);
  passId = (await rig.call('create-pass', { method: 'POST', resource: '/passes', as: CITIZEN, body: application() })).body.passId;
});

afterAll(async () => {
  await rig?.destroy();
});

const cases = passCases(() => passId);
/** The suite's seeded sample per route; `npx projen fuzz` runs 10,000 per route (tools/fuzz.ts). */
const RUNS = 150;
const SEED = 14;
const itemCount = () => countItems(rig);

describe.each(cases)('$name under random bodies', (c) => {
  test(`${RUNS} seeded random bodies: never a 5xx; every refusal (4xx) is JSON with a request id and leaves the table unchanged`, async () => {
    const report = await fuzzPassRoute(rig, c, RUNS, SEED);
    console.log(`${c.handler}: statuses ${JSON.stringify(report.statuses)}`);
    expect(report.serverErrors).toBe(0);
    expect(report.writesOnRefusal).toBe(0);
    expect(report.malformedAnswers).toBe(0);
    // The generator reaches the validators (400) and beyond them.
    expect(report.statuses[400]).toBeGreaterThan(RUNS / 10);
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
