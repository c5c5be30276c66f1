import { unmarshall } from '@aws-sdk/util-dynamodb';
import { lambdaContext } from '@cdk-rampart/lambda-kit/testing';
import { application, proxyEvent, type Persona, QUEUE, registration, startProxiedPassRig, type PassRig, type ProxiedPassRig } from './pass-support';
import { approvalQueue } from '../../examples/pass/domain/clients';
import { passIdFor, sweepStalePending } from '../../examples/pass/domain/outbox';
import { storeFromEnv } from '../../examples/pass/storage/table';
import type { FaultProxy, FaultMode } from '../support/fault-proxy';
import { recordStalls } from '../support/stalls';

/**
 * Applications under a failing DynamoDB: the handlers reach DynamoDB Local through a TCP proxy
 * that, while a bounded load of keyed applications runs, switches (seeded) between passing,
 * refusing connections, blackholing and dropping replies. Clients retry a 5xx with the same
 * Idempotency-Key, as the web app does. Afterwards, with DynamoDB healthy, the stream's outbox, the
 * rules worker and the sweeper run. Then:
 * - zero accepted applications lost (every 202's pass is stored),
 * - zero stored passes whose client saw only errors, and no second pass for one key,
 * - zero passes stuck `pending`,
 * - every answer within 3 s (counted from measured durations: the bound the SDK limits promise;
 *   the stalls of this process inside an answer, when the machine did not let it run, are not
 *   the code's time and are left out: test/support/stalls.ts),
 *   and every failure a 503 with Retry-After, never a 500 or a hang.
 *
 * The suite runs a small seeded sample; `npx projen faults` runs the long one (FAULT_APPLICATIONS,
 * FAULT_CONCURRENCY, FAULT_SEED).
 */

const LONG = process.env.FAULT_LONG === '1';
const APPLICATIONS = Number(process.env.FAULT_APPLICATIONS ?? (LONG ? 400 : 24));
const CONCURRENCY = Number(process.env.FAULT_CONCURRENCY ?? (LONG ? 8 : 4));
const SEED = Number(process.env.FAULT_SEED ?? 14);
const BOUND_MS = 3_000;
// A client keeps retrying a 5xx (it always gets through in a healthy gap); the cap only stops a broken run.
const MAX_ATTEMPTS = 500;

let rig: PassRig;
let proxy: FaultProxy;
let proxied: ProxiedPassRig;

beforeAll(async () => {
  proxied = await startProxiedPassRig();
  ({ rig, proxy } = proxied);
  // One applicant per application: an account makes at most 10 a day, and a person's passes must not overlap.
  for (let i = 0; i < APPLICATIONS; i++) {
    const res = await rig.call('create-registration', { method: 'POST', resource: '/registrations', as: applicant(i), body: registration({ nationalIdNumber: `FLT${String(i).padStart(6, '0')}` }) });
    expect(res.status).toBe(201);
  }
}, 600_000);

function applicant(i: number): Persona {
  return { sub: `fault-applicant-${i}`, name: 'Ada Citizen' };
}

afterAll(async () => {
  await proxied?.destroy();
});

/** A small seeded generator (Park-Miller), so a run's fault schedule can be replayed with its seed. */
function random(seed: number): () => number {
  let a = (Math.abs(Math.trunc(seed)) % 2147483646) + 1;
  return () => {
    a = (a * 48271) % 2147483647;
    return (a - 1) / 2147483646;
  };
}

interface Attempt {
  readonly key: string;
  readonly status: number;
  readonly ms: number;
  /** Of `ms`, the time this process could not run. */
  readonly stalledMs: number;
  readonly retryAfter?: unknown;
  readonly mode: FaultMode;
}

test(`${APPLICATIONS} keyed applications under refused, blackholed and dropped DynamoDB traffic: nothing lost, nothing doubled, nothing stuck, every answer within 3 s`, async () => {
  const rnd = random(SEED);
  const createPass = rig.handler('create-pass');
  const attempts: Attempt[] = [];
  const accepted = new Map<string, string>();
  const refused = new Map<string, number>();

  const stalls = recordStalls();
  let running = true;
  const modes: FaultMode[] = ['refuse', 'blackhole', 'drop-replies'];
  const faults = (async () => {
    // A fault, then a short healthy gap, over and over: every application meets faults.
    for (let fault = true; running; fault = !fault) {
      proxy.set(fault ? modes[Math.floor(rnd() * modes.length)] : 'pass');
      await new Promise((r) => setTimeout(r, fault ? 400 + Math.floor(rnd() * 600) : 100 + Math.floor(rnd() * 150)));
    }
    proxy.set('pass');
  })();

  const keys = Array.from({ length: APPLICATIONS }, (_, i) => `fault-${SEED}-${String(i).padStart(6, '0')}`);
  const apply = async (key: string, i: number) => {
    const body = application();
    const as = applicant(i);
    for (let n = 0; n < MAX_ATTEMPTS; n++) {
      const mode = proxy.mode;
      const t0 = Date.now();
      const res = await createPass(proxyEvent({ method: 'POST', resource: '/passes', as, body, headers: { 'Idempotency-Key': key } }),
        lambdaContext({ functionName: 'create-pass', requestId: `${key}-${n}`, timeoutMs: 10_000 }));
      const t1 = Date.now();
      attempts.push({ key, status: res.statusCode, ms: t1 - t0, stalledMs: stalls.within(t0, t1), retryAfter: res.headers?.['Retry-After'], mode });
      if (res.statusCode === 202) {
        accepted.set(key, JSON.parse(res.body).passId);
        return;
      }
      if (res.statusCode < 500) {
        refused.set(key, res.statusCode);
        return;
      }
      // A 5xx: come back with the same key (sooner than Retry-After, to keep the run short).
      await new Promise((r) => setTimeout(r, 50 + Math.floor(rnd() * 150)));
    }
  };
  const queue = keys.map((k, i) => [k, i] as const);
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      await apply(...next);
      await new Promise((r) => setTimeout(r, 100 + Math.floor(rnd() * 200)));
    }
  }));
  running = false;
  await faults;
  stalls.stop();

  // DynamoDB is healthy again: the outbox relays the stream, the worker decides, the sweeper (five
  // minutes on) re-queues whatever is still pending, the worker decides that too.
  await rig.aws.drain(QUEUE, rig.handler('rules-worker') as any);
  const swept = await sweepStalePending(storeFromEnv(), approvalQueue(), new Date(Date.now() + 6 * 60_000));
  await rig.aws.drain(QUEUE, rig.handler('rules-worker') as any);

  const passes = (await rig.items()).map((i) => unmarshall(i as any)).filter((i) => i.sk === 'PASS' && String(i.ownerSub).startsWith('fault-applicant-'));
  const storedIds = new Set(passes.map((p) => String(p.passId)));
  const idOf = (k: string) => passIdFor(applicant(keys.indexOf(k)).sub, k);
  const ourIds = new Set(keys.map(idOf));
  const ours = passes.filter((p) => ourIds.has(String(p.passId)));

  const lost = [...accepted.values()].filter((id) => !storedIds.has(id));
  const storedButErrored = keys.filter((k) => !accepted.has(k) && storedIds.has(idOf(k)));
  const wrongId = [...accepted].filter(([k, id]) => id !== idOf(k));
  const stuck = ours.filter((p) => p.status === 'pending');
  const slow = attempts.filter((a) => a.ms - a.stalledMs > BOUND_MS);
  const unexpected = attempts.filter((a) => a.status >= 500 && (a.status !== 503 || !/^\d+$/.test(String(a.retryAfter))));
  const byMode = Object.fromEntries(['pass', ...modes].map((m) => [m, attempts.filter((a) => a.mode === m).length]));
  const statuses = attempts.reduce<Record<number, number>>((acc, a) => ({ ...acc, [a.status]: (acc[a.status] ?? 0) + 1 }), {});
  const durations = attempts.map((a) => a.ms).sort((a, b) => a - b);

  console.log([
    `faults (seed ${SEED}, ${APPLICATIONS} applications, ${CONCURRENCY} in flight): ${attempts.length} attempts, statuses ${JSON.stringify(statuses)}, by mode at send ${JSON.stringify(byMode)}`,
    `  proxy: ${JSON.stringify(proxy.counts)}; accepted ${accepted.size}, refused ${refused.size}, stored ${ours.length}, swept ${swept}`,
    `  lost ${lost.length}, stored-but-errored ${storedButErrored.length}, stuck pending ${stuck.length}, answers over ${BOUND_MS} ms ${slow.length}, unexpected 5xx ${unexpected.length}`,
    `  answer time max ${durations[durations.length - 1]} ms, p99 ${durations[Math.ceil(durations.length * 0.99) - 1]} ms; longest stall of this process ${stalls.longest} ms, in answers ${attempts.reduce((n, a) => n + a.stalledMs, 0)} ms`,
  ].join('\n'));

  expect(refused.size).toBe(0);
  expect(accepted.size).toBe(APPLICATIONS);
  expect(lost).toEqual([]);
  expect(storedButErrored).toEqual([]);
  expect(wrongId).toEqual([]);
  // One pass per key: the pass number is derived from the key, so a second would be a second item.
  expect(ours).toHaveLength(APPLICATIONS);
  expect(stuck).toEqual([]);
  expect(ours.every((p) => p.status === 'approved')).toBe(true);
  expect(slow).toEqual([]);
  expect(unexpected).toEqual([]);
  // The faults happened: connections refused, requests swallowed, replies dropped.
  expect(proxy.counts.refused + proxy.counts.swallowedBytes + proxy.counts.droppedReplies).toBeGreaterThan(0);
}, 600_000);
