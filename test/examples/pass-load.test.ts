import { application, CITIZEN, percentile, POLICE, QUEUE, registration, routeGroups, startPassRig, type PassRig } from './pass-support';
import { withLiftedSdkLimits } from '../../tools/sdk-limits';

// eslint-disable-next-line @typescript-eslint/no-require-imports

/**
 * Figures for docs/capacity.md, printed, never asserted on time: the apply and verify handlers'
 * latency (p50/p99) with 200 requests in flight against DynamoDB Local, and their CPU time per
 * request (process.cpuUsage over a sequential run; DynamoDB Local runs in its own JVM and is not
 * counted, the in-process LocalAws answering SQS and the SDK's own work are).
 */

let rig: PassRig;
let token: string;

// One account applies at most ACCOUNT_DAILY_APPLICATIONS times a day: the load comes from many citizens.
const CITIZENS = 200;
const citizen = (i: number) => ({ sub: `load-citizen-${i % CITIZENS}`, name: 'Ada Citizen' });

beforeAll(async () => {
  rig = await startPassRig(routeGroups());
  expect((await rig.call('create-registration', { method: 'POST', resource: '/registrations', as: CITIZEN, body: registration() })).status).toBe(201);
  const res = await rig.call('create-pass', { method: 'POST', resource: '/passes', as: CITIZEN, body: application({ startTime: new Date(Date.now() - 60_000).toISOString() }) });
  await rig.aws.drain(QUEUE, rig.handler('rules-worker') as any);
  token = (await rig.call('get-pass', { method: 'GET', resource: '/passes/{passId}', as: CITIZEN, params: { passId: res.body.passId } })).body.token;
  for (let i = 0; i < CITIZENS; i++) {
    const body = registration({ nationalIdNumber: `LOAD${String(i).padStart(6, '0')}` });
    expect((await rig.call('create-registration', { method: 'POST', resource: '/registrations', as: citizen(i), body })).status).toBe(201);
  }
});

afterAll(async () => {
  await rig?.destroy();
});


const apply = (i: number) => rig.call('create-pass', { method: 'POST', resource: '/passes', as: citizen(i), body: application() });
const verify = () => rig.call('verify', { method: 'POST', resource: '/verify', as: POLICE, body: { qr: token, checkpoint: 'Load test' } });

async function concurrent(label: string, n: number, call: (i: number) => Promise<{ status: number }>, expected: number): Promise<void> {
  const latencies: number[] = [];
  const start = Date.now();
  // n invocations share this process and one DynamoDB Local: each waits for the others.
  const statuses = await withLiftedSdkLimits(() => Promise.all(Array.from({ length: n }, async (_, i) => {
    const t0 = process.hrtime.bigint();
    const res = await call(i);
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    return res.status;
  })));
  const wall = Date.now() - start;
  expect(statuses.every((s) => s === expected)).toBe(true);
  latencies.sort((a, b) => a - b);
  console.log(`${label}: ${n} requests, 200 in flight, wall ${wall} ms; p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`);
}

async function cpuPerRequest(label: string, n: number, call: (i: number) => Promise<{ status: number }>): Promise<void> {
  const before = process.cpuUsage();
  const t0 = Date.now();
  for (let i = 0; i < n; i++) await call(i);
  const used = process.cpuUsage(before);
  const cpuMs = (used.user + used.system) / 1000 / n;
  console.log(`${label}: CPU ${cpuMs.toFixed(2)} ms per request (user+system over ${n} sequential requests; wall ${((Date.now() - t0) / n).toFixed(1)} ms each)`);
}

test('apply (POST /passes) and verify (POST /verify): latency under 200 concurrent requests, CPU per request', async () => {
  // Warm: clients, caches (rules, signing key), JIT.
  for (let i = 0; i < 20; i++) {
    await apply(900_000 + i);
    await verify();
  }
  await concurrent('POST /passes', 200, (i) => apply(i), 202);
  await concurrent('POST /verify', 200, () => verify(), 200);
  await cpuPerRequest('POST /passes', 300, (i) => apply(10_000 + i));
  await cpuPerRequest('POST /verify', 300, () => verify());
});
