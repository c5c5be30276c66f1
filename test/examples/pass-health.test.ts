import { startProxiedPassRig, type PassRig, type ProxiedPassRig } from './pass-support';
import { HEALTH_BUDGET_MS } from '../../examples/pass/domain/health';
import { PASS_ENV } from '../../examples/pass/domain/settings';
import type { FaultProxy, FaultMode } from '../support/fault-proxy';
import { recordStalls } from '../support/stalls';

/**
 * `GET /health`, what the Route 53 health checks of the two-region service ask: it reads the pass
 * table (DynamoDB Local, through a fault proxy), 200 while the table answers, 503 with Retry-After,
 * within the 2 s a Route 53 checker waits, when it does not; with the deployed SDK limits.
 */

let rig: PassRig;
let proxy: FaultProxy;
let proxied: ProxiedPassRig;

beforeAll(async () => {
  proxied = await startProxiedPassRig();
  ({ rig, proxy } = proxied);
}, 120_000);

afterAll(async () => {
  await proxied?.destroy();
});

afterEach(() => proxy.set('pass'));

/** One check, with the time it took less the time this process was not let run (test/support/stalls.ts). */
async function health() {
  const stalls = recordStalls();
  const t0 = Date.now();
  const res = await rig.call('health', { method: 'GET', resource: '/health' });
  const t1 = Date.now();
  stalls.stop();
  return { ...res, ms: t1 - t0 - stalls.within(t0, t1) };
}

test('a region whose table answers is healthy: 200, uncached, no sign-in needed, and the check writes nothing', async () => {
  const before = await rig.count();
  const res = await health();
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ status: 'ok' });
  expect(res.headers['Cache-Control']).toBe('no-store');
  expect(proxy.counts.connections).toBeGreaterThan(0); // it went to the table
  expect(await rig.count()).toBe(before);
});

test.each<FaultMode>(['refuse', 'blackhole'])('a table that does not answer (%s) makes the region unhealthy: 503 with Retry-After within the 2 s Route 53 waits; healthy again once it answers', async (mode) => {
  expect((await health()).status).toBe(200);
  proxy.set(mode);
  const res = await health();
  expect(res.status).toBe(503);
  expect(res.headers['Retry-After']).toBe('5');
  expect(res.body.message).toMatch(/unhealthy/);
  expect(res.ms).toBeLessThan(Math.min(2_000, HEALTH_BUDGET_MS + 400));
  proxy.set('pass');
  expect((await health()).status).toBe(200);
}, 30_000);

test('a region whose table is gone (or not granted) is unhealthy too: 503, not 500', async () => {
  const tableName = process.env[PASS_ENV.TABLE];
  process.env[PASS_ENV.TABLE] = 'no-such-pass-table';
  try {
    const res = await health();
    expect(res.status).toBe(503);
    expect(res.headers['Retry-After']).toBe('5');
    expect(res.body.message).toMatch(/ResourceNotFoundException/);
  } finally {
    process.env[PASS_ENV.TABLE] = tableName;
  }
  expect((await health()).status).toBe(200);
});
