/**
 * Section 4, the launch day, on the real movement pass system: `startPassLocal` (the pages, the
 * API with every route's handler in-process behind the API Gateway proxy, DynamoDB Local with the
 * table's stream, `LocalAws` for the approval queue, the rules parameter and the signing key, the
 * rules worker and the stream consumer) on 127.0.0.1 in this process. A pool of citizens registers
 * first; a warm-up applies and has the worker approve a few passes (their QR codes are what police
 * verify); then autocannon, in a process of its own, sends applications (`POST /passes`, distinct
 * Idempotency-Keys, each applicant travelling alone, round-robin over enough accounts to stay under
 * the per-account daily cap, spread over districts, days and reasons, one district on a small
 * quota so the worker's sharded quota runs out; the table's stream, through the approval outbox,
 * queues them for the worker) and checks (`POST /verify` as police: known QR codes
 * and unknown pass numbers) at the same time, bounded by a request count and a time limit. The
 * worker then drains the queue. Afterwards: is every application answered 2xx in the table (by
 * count and by its Idempotency-Key's pass number), does a replayed key answer the same pass and
 * store nothing new, do the quota counters match the approvals; and the write units DynamoDB
 * reported (a counting proxy in front of DynamoDB Local), for the capacity arithmetic.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { LAMBDA_ARM_GB_SECOND_USD, LAMBDA_REQUEST_USD_PER_MILLION, type HandlerFigures } from './handlers';
import { newPassId } from '../../examples/pass/domain/ids';
import { ACCOUNT_DAILY_APPLICATIONS, DEFAULT_RULES, PASS_ENV } from '../../examples/pass/domain/settings';
import { SIGNUP_TOKEN_PREFIX, startPassLocal } from '../../examples/pass/local-options';
import { applicationBody, registrationRequest } from '../../examples/pass/sample-requests';
import { engine as dynamoDbLocal } from '../../tools/engines/dynamodb-local';
import type { Answer, LoadPlan, PlannedRequest, StreamOutcome } from '../apps/launch-load';
import { startCountingProxy } from '../lib/capacity-proxy';
import { compileForBench, JS_OUT } from '../lib/compile';
import { BenchOptions, SectionResult, table } from '../lib/measure';

const DAY_REQUESTS = 160e6;
const DISTRICTS = ['north', 'south', 'east', 'west', 'central', 'harbour'];
/** The district whose daily quota is small, so the worker's sharded quota runs out under the load. */
const SMALL_QUOTA_DISTRICT = 'harbour';
const SMALL_QUOTA = 20;
/** What docs/capacity.md says, to set the measured figures next to. */
const CAPACITY_MD = {
  applyCpuMs: 6.7,
  verifyCpuMs: 4.6,
  peakRps: 18_519,
  avgRps: 1_852,
  apiSharePeak: 7_400,
  msPerInvocation: 50,
  concurrencyAtThrottles: 450,
  concurrencyWholePeak: 926,
  vcpuAt1024: 0.58,
};

interface LaunchFigures { cpuMsPerRequest: number; memoryMb: number; meanMs: number; p50Ms: number }

export interface LaunchOptions extends BenchOptions {
  /** Applications (and, separately, checks) the load may send at most. */
  amount: number;
  connections: number;
  seconds: number;
  citizens: number;
  /** Warm handler figures from section 3, when it ran in the same invocation. */
  handlerFigures?: HandlerFigures[];
}

function cannon(plan: LoadPlan): Promise<StreamOutcome[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-launch-'));
  const planFile = path.join(dir, 'plan.json');
  const outFile = path.join(dir, 'out.json');
  fs.writeFileSync(planFile, JSON.stringify(plan));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(JS_OUT, 'bench', 'apps', 'launch-load.js'), planFile, outFile], { stdio: ['ignore', 'inherit', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    // The load stops itself at its time limit; this only guards against a hung generator.
    const guard = setTimeout(() => child.kill('SIGKILL'), (plan.seconds + 120) * 1000);
    child.on('close', (code) => {
      clearTimeout(guard);
      try {
        resolve(JSON.parse(fs.readFileSync(outFile, 'utf-8')));
      } catch {
        reject(new Error(`load generator exited ${code}: ${err.slice(-1500)}`));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

const signupToken = (i: number) => `${SIGNUP_TOKEN_PREFIX}${Buffer.from(JSON.stringify({ name: `Citizen ${String.fromCharCode(65 + (i % 26))}`, email: `citizen${i}@example.com` })).toString('base64url')}`;

/** Runs `fn` over `items` with `n` at a time. */
async function pool<T, R>(items: T[], n: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  }));
  return out;
}

const int = (x: number) => Math.round(x).toLocaleString('en-US');

export async function runLaunch(options: LaunchOptions): Promise<SectionResult> {
  compileForBench();
  const lines = ['## 4. Launch day', ''];
  const headlines: string[] = [];
  const goals: [boolean | undefined, string][] = [];
  const log = (m: string) => { if (options.log) process.stderr.write(`  launch: ${m}\n`); };

  const engine = await dynamoDbLocal.start();
  // The pass system keeps no idempotency table (an application is its own idempotency record).
  const proxy = await startCountingProxy(engine.env.DYNAMODB_ENDPOINT, () => undefined);
  const direct = new DynamoDBClient({ endpoint: engine.env.DYNAMODB_ENDPOINT, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const pass = await startPassLocal({ dynamoDbEndpoint: proxy.endpoint, log: false, pollMs: 250 });
  try {
    const tableName = pass.tables[PASS_ENV.TABLE];
    // One district on a small daily quota, before any application: the worker loads the rules once.
    const rules = { ...DEFAULT_RULES, districtQuotas: { [SMALL_QUOTA_DISTRICT]: SMALL_QUOTA } };
    pass.aws.parameters.set(process.env[PASS_ENV.RULES_PARAM]!, JSON.stringify(rules));
    const api = pass.apiUrl.replace(/\/$/, '');
    const call = async (method: string, p: string, token: string, body?: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(`${api}${p}`, { method, headers: { 'content-type': 'application/json', 'authorization': `Bearer ${token}`, ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      let parsed: any;
      try { parsed = JSON.parse(text); } catch { parsed = text; }
      return { status: res.status, body: parsed };
    };

    // 1. A pool of citizens registers (distinct sign-ups, distinct national IDs, each document in the
    // stub identity provider's register and its holder's evidence in the registration). One account
    // may make ACCOUNT_DAILY_APPLICATIONS a day: enough citizens that the round-robin (the warm-up
    // included) stays under it.
    const citizens = Math.max(options.citizens, Math.ceil(options.amount / (ACCOUNT_DAILY_APPLICATIONS - 1)));
    const t0 = Date.now();
    const regs = await pool(Array.from({ length: citizens }, (_, i) => i), 16, (i) => {
      const { body, document } = registrationRequest({
        name: `Citizen ${String.fromCharCode(65 + (i % 26))}`,
        dateOfBirth: '1980-02-29',
        nationalIdType: 'national-id',
        nationalIdNumber: `REG${String(i).padStart(6, '0')}`,
        phone: '+441632960961',
        district: DISTRICTS[i % DISTRICTS.length],
      });
      pass.addDocument(document);
      return call('POST', '/registrations', signupToken(i), body);
    });
    const registered = regs.filter((r) => r.status === 201).length;
    if (registered !== citizens) throw new Error(`registration: ${registered} of ${citizens} answered 201 (${JSON.stringify(regs.find((r) => r.status !== 201))})`);
    log(`${registered} citizens registered in ${Date.now() - t0} ms`);

    const runId = Date.now().toString(36).toUpperCase();
    // `day` -1 is a pass valid now (started a minute ago), as the warm-up's QR codes must be. The
    // traveller is the applicant (the shared builder's default).
    const application = (i: number, reason: string, district: string, day: number, durationMinutes: number) => applicationBody({
      from: { address: `${1 + (i % 200)} High Street`, district },
      to: { address: 'General Hospital, Ward 4', district: DISTRICTS[(DISTRICTS.indexOf(district) + 1) % DISTRICTS.length] },
      startTime: new Date(day < 0 ? Date.now() - 60_000 : Date.now() + 3600_000 + day * 86_400_000).toISOString(),
      durationMinutes,
      reason,
      ...(reason === 'other' ? { note: 'Moving a relative' } : {}),
    });

    // 2. Warm-up: a few approved passes whose QR codes police will check (and warm JIT, caches, clients).
    const WARM = 24;
    const warm = await pool(Array.from({ length: WARM }, (_, i) => i), 8, (i) => call('POST', '/passes', signupToken(i % citizens),
      application(i, 'medical', DISTRICTS[i % 5], -1, 120), { 'Idempotency-Key': `warm-${runId}-${i}` }));
    const warmIds = warm.filter((r) => r.status === 202).map((r) => r.body.passId as string);
    const settleUntil = async (done: () => Promise<boolean>, capMs: number) => {
      const start = Date.now();
      while (Date.now() - start < capMs) {
        await pass.settle();
        if (await done()) return Date.now() - start;
        await new Promise((r) => setTimeout(r, 500));
      }
      return NaN;
    };
    await settleUntil(async () => pass.aws.depth('pass-approvals') === 0, 60_000);
    const qrs: string[] = [];
    for (const [k, id] of warmIds.entries()) {
      const got = await call('GET', `/passes/${id}`, signupToken(k % citizens));
      if (got.body?.token) qrs.push(got.body.token);
    }
    if (qrs.length === 0) throw new Error(`warm-up: no approved pass to verify (${warm.map((w) => w.status).join(',')})`);
    for (let i = 0; i < 20; i++) await call('POST', '/verify', 'local-police', { qr: qrs[i % qrs.length], checkpoint: 'Warm-up' });
    log(`warm-up: ${warmIds.length} applications, ${qrs.length} approved QR codes`);

    // 3. The plan: distinct applications and checks.
    const reasons: [string, number][] = [['medical', 120], ['emergency', 240], ['medical', 60], ['groceries', 60], ['work', 480], ['groceries', 180]];
    const applyKeys: string[] = [];
    const applyPlan: PlannedRequest[] = Array.from({ length: options.amount }, (_, i) => {
      const [reason, duration] = reasons[i % reasons.length];
      const key = `launch-${runId}-${i}`;
      applyKeys.push(key);
      const citizen = i % citizens;
      return {
        method: 'POST',
        path: '/v1/passes',
        headers: { 'content-type': 'application/json', 'authorization': `Bearer ${signupToken(citizen)}`, 'idempotency-key': key },
        body: JSON.stringify(application(
          i, reason,
          DISTRICTS[Math.floor(i / reasons.length) % DISTRICTS.length],
          Math.floor(i / (reasons.length * DISTRICTS.length)) % 6,
          duration,
        )),
      };
    });
    const UNKNOWN_EVERY = 5;
    const verifyPlan: PlannedRequest[] = Array.from({ length: options.amount }, (_, i) => ({
      method: 'POST',
      path: '/v1/verify',
      headers: { 'content-type': 'application/json', 'authorization': 'Bearer local-police' },
      body: JSON.stringify(i % UNKNOWN_EVERY === UNKNOWN_EVERY - 1 ? { passNumber: newPassId(), checkpoint: `Checkpoint ${i % 12}` } : { qr: qrs[i % qrs.length], checkpoint: `Checkpoint ${i % 12}` }),
    }));
    const stagePath = new URL(pass.apiUrl).pathname.replace(/\/$/, '');
    for (const p of [...applyPlan, ...verifyPlan]) (p as any).path = p.path.replace(/^\/v1/, stagePath);
    const applyConnections = Math.max(1, Math.round(options.connections / 2));
    const verifyConnections = Math.max(1, options.connections - applyConnections);

    // 4. The load.
    proxy.reset();
    const cpu0 = process.cpuUsage();
    const w0 = Date.now();
    log(`load: ${options.amount} applications (${applyConnections} connections) + ${options.amount} checks (${verifyConnections} connections), at most ${options.seconds} s`);
    const outcomes = await cannon({
      url: new URL(pass.apiUrl).origin,
      seconds: options.seconds,
      streams: [
        { name: 'apply', connections: applyConnections, requests: applyPlan },
        { name: 'verify', connections: verifyConnections, requests: verifyPlan },
      ],
    });
    const loadWallS = (Date.now() - w0) / 1000;
    const loadCpu = process.cpuUsage(cpu0);
    const [applyOut, verifyOut] = outcomes;
    log(`load done in ${loadWallS.toFixed(1)} s; draining`);

    // 5. The worker drains the queue (messages failing on a concurrent change come back after the visibility timeout).
    const pendingCount = async () => (await scanAll(direct, tableName)).filter((x) => x.sk === 'PASS' && x.status === 'pending').length;
    const drainMs = await settleUntil(async () => pass.aws.depth('pass-approvals') === 0 && (await pendingCount()) === 0, 180_000);
    const drainCpu = process.cpuUsage(cpu0);
    const writeTally = new Map(proxy.tally);

    // 6. The loss check.
    const items = await scanAll(direct, tableName);
    const passes = items.filter((x) => x.sk === 'PASS');
    const byId = new Map(passes.map((p) => [p.passId as string, p]));
    const accepted = applyOut.answers.filter((a) => a.status >= 200 && a.status < 300);
    const acceptedIds = new Set(accepted.map((a) => a.passId).filter(Boolean) as string[]);
    const missing = accepted.filter((a) => !a.passId || !byId.has(a.passId));
    const duplicateKeys = accepted.length - new Set(accepted.map((a) => a.i)).size;
    const warmStored = warmIds.filter((id) => byId.has(id)).length;
    const unacknowledged = passes.filter((p) => !acceptedIds.has(p.passId as string) && !warmIds.includes(p.passId as string)).length;
    // Replaying a sample of accepted keys (same body) answers the same pass and stores nothing new.
    const replaySample = accepted.filter((_, k) => k % Math.max(1, Math.floor(accepted.length / 50)) === 0).slice(0, 50);
    const replays = await pool(replaySample, 8, async (a) => {
      const p = applyPlan[a.i];
      const res = await fetch(`${new URL(pass.apiUrl).origin}${p.path}`, { method: 'POST', headers: p.headers, body: p.body });
      const body = await res.json() as { passId?: string };
      return res.status === 202 && body.passId === a.passId;
    });
    const replayedSame = replays.filter(Boolean).length;
    const passesAfterReplay = (await scanAll(direct, tableName)).filter((x) => x.sk === 'PASS').length;

    // Quota: per district and day, the counters' sum equals the approvals, and the small quota holds.
    const approvedBy = new Map<string, number>();
    for (const p of passes.filter((x) => x.status === 'approved' || x.status === 'revoked')) {
      const k = `${(p.from as any).district}#${String(p.startTime).slice(0, 10)}`;
      approvedBy.set(k, (approvedBy.get(k) ?? 0) + 1);
    }
    const quotaBy = new Map<string, number>();
    for (const q of items.filter((x) => String(x.pk).startsWith('QUOTA#'))) {
      const [, district, day] = String(q.pk).split('#');
      quotaBy.set(`${district}#${day}`, (quotaBy.get(`${district}#${day}`) ?? 0) + Number(q.count ?? 0));
    }
    const quotaMismatch = [...new Set([...approvedBy.keys(), ...quotaBy.keys()])].filter((k) => (approvedBy.get(k) ?? 0) !== (quotaBy.get(k) ?? 0));
    const smallDays = [...quotaBy].filter(([k]) => k.startsWith(`${SMALL_QUOTA_DISTRICT}#`));
    const smallOver = smallDays.filter(([, n]) => n > SMALL_QUOTA);
    const quotaRejections = passes.filter((p) => String(p.decisionReason ?? '').includes('daily quota')).length;
    const statusCount = (s: string) => passes.filter((p) => p.status === s).length;
    const dlq = pass.aws.depth('pass-approvals-dlq');

    // 7. The tables.
    const lat = (o: StreamOutcome) => o.result.latency;
    const statusesOf = (answers: Answer[], result: any) => {
      const by: Record<string, number> = {};
      for (const a of answers) by[a.status] = (by[a.status] ?? 0) + 1;
      const parts = Object.entries(by).sort().map(([s, n]) => `${s}×${n}`);
      if (result.errors) parts.push(`connection errors×${result.errors}`);
      if (result.timeouts) parts.push(`timeouts×${result.timeouts}`);
      return parts.join(', ');
    };
    const verifyResults: Record<string, number> = {};
    for (const a of verifyOut.answers) if (a.result) verifyResults[a.result] = (verifyResults[a.result] ?? 0) + 1;
    const row = (name: string, o: StreamOutcome) => [name, int(o.answers.length), `${(o.answers.length / (o.result.duration || loadWallS)).toFixed(0)}/s`,
      `${lat(o).p50} / ${lat(o).p90} / ${lat(o).p99} / ${lat(o).max} ms`, statusesOf(o.answers, o.result)];
    const served = applyOut.answers.length + verifyOut.answers.length;
    const totalRps = served / loadWallS;
    const serverCpuPerRequest = (loadCpu.user + loadCpu.system) / 1000 / Math.max(1, served);
    const drainCpuPerApply = (drainCpu.user + drainCpu.system) / 1000 / Math.max(1, served);
    const lost = missing.length;
    lines.push('The movement pass under its one-command local run (`startPassLocal`, examples/pass/local-options.ts): one Node.js process holds the API Gateway proxy, every route\'s handler, `LocalAws` (SQS, SSM, Secrets Manager), the rules worker (every 250 ms) and the stream consumer; DynamoDB Local (Java) with the table\'s stream sits behind a counting proxy (bench/lib/capacity-proxy.ts) that asks for the consumed write units. The load generator (bench/apps/launch-load.ts, autocannon 9) runs in a process of its own, on the same 2-core machine.', '',
      `Before the load: ${registered} citizens register (distinct sign-up identities and national IDs, each with the evidence the local stub identity provider accepts; at least ${int(options.amount)} / ${ACCOUNT_DAILY_APPLICATIONS - 1} of them, as one account may make ${ACCOUNT_DAILY_APPLICATIONS} applications a day); ${WARM} warm-up applications are approved by the worker and their ${qrs.length} QR codes are what police check. The rules: the defaults (medical and emergency approved by the rules within their duration limit, groceries and work to a reviewer, an over-long groceries pass rejected), with \`${SMALL_QUOTA_DISTRICT}\` on a daily quota of ${SMALL_QUOTA} so the sharded quota runs out. Applications: distinct Idempotency-Keys, the applicant as the one traveller, queued by the approval outbox from the table's stream, spread over ${DISTRICTS.length} districts, 6 start days and 6 reason/duration mixes, round-robin over the citizens. Checks: 4 in 5 a known QR code, 1 in 5 an unknown pass number. At most ${int(options.amount)} of each and ${options.seconds} s, ${applyConnections} + ${verifyConnections} connections, both at once.`, '',
      table(['route', 'answered', 'throughput', 'latency p50 / p90 / p99 / max', 'statuses'],
        [row('POST /passes (apply, citizens)', applyOut), row('POST /verify (check, police)', verifyOut)]), '',
      `Together ${int(served)} requests in ${loadWallS.toFixed(1)} s: **${totalRps.toFixed(0)} requests/s** on one local process. Check results: ${Object.entries(verifyResults).map(([k, v]) => `${k} ${v}`).join(', ')}. Server CPU during the load (this process: proxy, handlers, worker and stream consumer as they ran; DynamoDB Local excluded): ${serverCpuPerRequest.toFixed(2)} ms per request; ${drainCpuPerApply.toFixed(2)} ms per request once the worker had drained.`, '',
      '### Accepted writes afterwards', '',
      table(['check', 'result'], [
        ['applications answered 2xx (distinct Idempotency-Keys)', `${int(accepted.length)}${duplicateKeys ? ` (${duplicateKeys} answered twice)` : ''}`],
        ['of those, the pass number answered is in the table (by key)', `${int(accepted.length - missing.length)}`],
        ['**accepted writes missing**', `**${lost}**`],
        ['pass items in the table', `${int(passes.length)} = ${int(acceptedIds.size)} accepted in the load + ${warmStored} warm-up + ${unacknowledged} stored without a 2xx answer (a timed-out or dropped answer)`],
        ['replayed keys (same body) answering the same pass', `${replayedSame} of ${replaySample.length}; pass items after the replay ${int(passesAfterReplay)} (${passesAfterReplay === passes.length ? 'nothing new stored' : `**${passesAfterReplay - passes.length} new**`})`],
        ['worker drain after the load', Number.isNaN(drainMs) ? '**not drained within 180 s**' : `${(drainMs / 1000).toFixed(1)} s; queue empty, dead-letter queue ${dlq}`],
        ['outcomes', `approved ${statusCount('approved')}, needs-review ${statusCount('needs-review')}, rejected ${statusCount('rejected')} (of which ${quotaRejections} for the daily quota), pending ${statusCount('pending')}`],
        ['quota counters = approvals, per district and day', quotaMismatch.length === 0 ? `yes (${quotaBy.size} district-days)` : `**no**: ${quotaMismatch.slice(0, 5).join(', ')}`],
        [`\`${SMALL_QUOTA_DISTRICT}\` quota (${SMALL_QUOTA} a day) held`, smallOver.length === 0 ? `yes: ${smallDays.map(([k, n]) => `${k.split('#')[1]} ${n}`).join(', ') || 'no approvals'}` : `**no**: ${smallOver.map(([k, n]) => `${k} ${n}`).join(', ')}`],
      ]), '');
    const errors = applyOut.result.errors + verifyOut.result.errors + applyOut.result.timeouts + verifyOut.result.timeouts;
    const fiveXx = [...applyOut.answers, ...verifyOut.answers].filter((a) => a.status >= 500).length;
    goals.push([lost === 0 && !Number.isNaN(drainMs), `Launch day on the pass system: ${lost === 0 ? 'zero' : lost} accepted writes lost of ${int(accepted.length)} applications answered 2xx; ${fiveXx} 5xx, ${errors} connection errors/timeouts`]);
    headlines.push(`Launch day (pass, apply + verify): ${totalRps.toFixed(0)} req/s on one local process; apply p50/p90/p99 ${lat(applyOut).p50}/${lat(applyOut).p90}/${lat(applyOut).p99} ms, verify ${lat(verifyOut).p50}/${lat(verifyOut).p90}/${lat(verifyOut).p99} ms; ${fiveXx} 5xx; ${lost} of ${int(accepted.length)} accepted applications lost`);

    // 8. Capacity.
    const wcu = [...writeTally].sort((a, b) => b[1].units - a[1].units);
    const applies = Math.max(1, accepted.length);
    const checks = Math.max(1, verifyOut.answers.filter((a) => a.status === 200).length);
    const totalUnits = wcu.reduce((s, [, t]) => s + t.units, 0);
    const verifyUnits = wcu.filter(([k]) => k.includes('CHECK#')).reduce((s, [, t]) => s + t.units, 0);
    // Stream counters: one transaction per stream record; the checks' share is one record per check.
    const streamTally = wcu.filter(([k]) => k.includes('SEEN#'));
    const streamCalls = streamTally.reduce((s, [, t]) => s + t.calls, 0);
    const streamUnits = streamTally.reduce((s, [, t]) => s + t.units, 0);
    const perStreamRecord = streamCalls ? streamUnits / streamCalls : 0;
    const verifyWcu = verifyUnits / checks + perStreamRecord;
    const applyWcu = (totalUnits - verifyUnits - perStreamRecord * Math.min(checks, streamCalls)) / applies;
    lines.push('Write units DynamoDB Local reported during the load and the drain (ReturnConsumedCapacity), by what was written:', '',
      table(['write', 'calls', 'write units', 'units per call'], wcu.map(([k, t]) => [k, int(t.calls), t.units.toFixed(0), (t.units / Math.max(1, t.calls)).toFixed(1)])), '',
      `Per accepted application (the pass, the worker's decision transaction with the traveller and quota items, the stream counters of its changes): **${applyWcu.toFixed(1)} write units**; per check (the audit item and its stream counter): **${verifyWcu.toFixed(1)}**.`, '');

    const fig = (name: string): LaunchFigures | undefined => {
      const f = options.handlerFigures?.find((h) => h.example === 'pass' && h.name === name);
      return f ? { cpuMsPerRequest: f.cpuMsPerRequest, memoryMb: f.memoryMb, meanMs: f.meanMs, p50Ms: f.p50Ms } : undefined;
    };
    const applyFig = fig('create-pass') ?? { cpuMsPerRequest: serverCpuPerRequest, memoryMb: 1024, meanMs: lat(applyOut).average, p50Ms: lat(applyOut).p50 };
    const verifyFig = fig('verify') ?? { cpuMsPerRequest: serverCpuPerRequest, memoryMb: 1024, meanMs: lat(verifyOut).average, p50Ms: lat(verifyOut).p50 };
    const source = fig('create-pass') ? 'section 3 (warm, one process, 8 in flight, against DynamoDB Local)' : 'this section\'s whole-process CPU (section 3 did not run in this invocation)';
    const vcpuShare = (mb: number) => Math.min(1, mb / 1769);
    const capRows: string[][] = [];
    const scenario = (label: string, rps: number, f: LaunchFigures, wcuPer: number) => {
      const vcpu = (rps * f.cpuMsPerRequest) / 1000;
      const fnMs = f.cpuMsPerRequest / vcpuShare(f.memoryMb);
      const concP50 = Math.ceil((rps * Math.max(f.p50Ms, fnMs)) / 1000);
      const conc50 = Math.ceil((rps * CAPACITY_MD.msPerInvocation) / 1000);
      const gbSeconds = rps * 3600 * (f.memoryMb / 1024) * (Math.ceil(Math.max(f.p50Ms, fnMs)) / 1000);
      const cost = gbSeconds * LAMBDA_ARM_GB_SECOND_USD + (rps * 3600 / 1e6) * LAMBDA_REQUEST_USD_PER_MILLION;
      capRows.push([label, int(rps), `${f.cpuMsPerRequest.toFixed(2)} ms`, vcpu.toFixed(1), int(concP50), int(conc50), int(rps * wcuPer), `$${cost.toFixed(2)}`]);
    };
    const avg = DAY_REQUESTS / 86400;
    const peak = avg * 10;
    scenario('average, all apply', avg, applyFig, applyWcu);
    scenario('average, all verify', avg, verifyFig, verifyWcu);
    scenario('peak hour (10×), all apply', peak, applyFig, applyWcu);
    scenario('peak hour (10×), all verify', peak, verifyFig, verifyWcu);
    scenario(`peak hour, API share of capacity.md (${int(CAPACITY_MD.apiSharePeak)}/s) as half apply`, CAPACITY_MD.apiSharePeak / 2, applyFig, applyWcu);
    scenario(`peak hour, API share of capacity.md (${int(CAPACITY_MD.apiSharePeak)}/s) as half verify`, CAPACITY_MD.apiSharePeak / 2, verifyFig, verifyWcu);
    const peakApplyWcu = peak * applyWcu;
    const agree = (measured: number, doc: number) => Math.abs(measured - doc) / doc <= 0.3;
    lines.push('### Capacity for 160 million requests a day', '',
      `Per-request CPU from ${source}: apply ${applyFig.cpuMsPerRequest.toFixed(2)} ms, verify ${verifyFig.cpuMsPerRequest.toFixed(2)} ms. vCPU = rate × CPU per request. Lambda concurrency = rate × duration, with the duration the larger of the measured warm p50 (apply ${applyFig.p50Ms.toFixed(1)} ms, verify ${verifyFig.p50Ms.toFixed(1)} ms; DynamoDB Local on the same machine, not a region's DynamoDB) and the CPU time stretched by the function's vCPU share (${applyFig.memoryMb} MB = ${vcpuShare(applyFig.memoryMb).toFixed(2)} vCPU; one full vCPU at 1,769 MB), next to docs/capacity.md's assumed ${CAPACITY_MD.msPerInvocation} ms per invocation. Write units: measured above. Lambda cost per hour at that duration and memory, ARM64 (API Gateway, DynamoDB, SQS and WAF are billed on top).`, '',
      table(['load', 'requests/s', 'CPU / request', 'vCPU busy', 'Lambda concurrency (measured duration)', `concurrency at ${CAPACITY_MD.msPerInvocation} ms (capacity.md)`, 'DynamoDB write units/s', 'Lambda $/hour'], capRows), '',
      'Next to docs/capacity.md:', '',
      table(['figure', 'capacity.md', 'measured here', 'agree (±30%)?'], [
        ['average / peak rate', `${int(CAPACITY_MD.avgRps)} / ${int(CAPACITY_MD.peakRps)} req/s`, `${int(avg)} / ${int(peak)} req/s`, 'yes (same arithmetic)'],
        ['apply CPU per request', `${CAPACITY_MD.applyCpuMs} ms`, `${applyFig.cpuMsPerRequest.toFixed(2)} ms`, agree(applyFig.cpuMsPerRequest, CAPACITY_MD.applyCpuMs) ? 'yes' : '**no**'],
        ['verify CPU per request', `${CAPACITY_MD.verifyCpuMs} ms`, `${verifyFig.cpuMsPerRequest.toFixed(2)} ms`, agree(verifyFig.cpuMsPerRequest, CAPACITY_MD.verifyCpuMs) ? 'yes' : '**no**'],
        ['concurrency, whole peak as API calls', `${CAPACITY_MD.concurrencyWholePeak} (at ${CAPACITY_MD.msPerInvocation} ms)`, `${int(Math.ceil(peak * Math.max(applyFig.p50Ms, applyFig.cpuMsPerRequest / vcpuShare(applyFig.memoryMb)) / 1000))} all apply, ${int(Math.ceil(peak * Math.max(verifyFig.p50Ms, verifyFig.cpuMsPerRequest / vcpuShare(verifyFig.memoryMb)) / 1000))} all verify (measured duration)`, 'see the note'],
        ['DynamoDB write units at peak, all apply', 'not stated (hot keys only: < 1,000 per partition)', `${int(peakApplyWcu)} WCU/s (on-demand new table: 4,000 at once, pre-warm)`, 'capacity.md is silent'],
      ]), '',
      `Note: capacity.md's ${CAPACITY_MD.msPerInvocation} ms per invocation is a budget that includes network waits in a region; the local p50 is measured with ${options.handlerFigures ? '8 requests in flight in one process' : 'the load above in one process'}, so requests queue behind each other and it overstates what one Lambda execution environment (one request at a time) would take. A peak of all applications at ${applyWcu.toFixed(1)} WCU each needs ${int(peakApplyWcu)} write units per second: above the 4,000 a new on-demand table takes at once, which capacity.md already answers with pre-warming (warm throughput); the figure for the pre-warm is this one.`, '');
    headlines.push(`Capacity (160 M/day, 10× peak hour = ${int(peak)} req/s): apply ${applyFig.cpuMsPerRequest.toFixed(2)} ms CPU → ${((peak * applyFig.cpuMsPerRequest) / 1000).toFixed(0)} vCPU, ${applyWcu.toFixed(1)} WCU → ${int(peakApplyWcu)} WCU/s; verify ${verifyFig.cpuMsPerRequest.toFixed(2)} ms CPU → ${((peak * verifyFig.cpuMsPerRequest) / 1000).toFixed(0)} vCPU (capacity.md: ${CAPACITY_MD.applyCpuMs} / ${CAPACITY_MD.verifyCpuMs} ms)`);
  } finally {
    await pass.stop();
    direct.destroy();
    await proxy.stop();
    await engine.stop();
  }
  return { markdown: lines.join('\n'), headlines, goals };
}

async function scanAll(client: DynamoDBClient, tableName: string): Promise<Record<string, any>[]> {
  const out: Record<string, any>[] = [];
  let start: Record<string, any> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, ConsistentRead: true }));
    out.push(...(page.Items ?? []).map((i) => unmarshall(i)));
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

if (require.main === module) {
  runLaunch({
    runs: 1,
    warmup: 0,
    log: true,
    connections: 20,
    seconds: 30,
    amount: Number(process.env.AMOUNT ?? 300),
    citizens: Number(process.env.CITIZENS ?? 100),
  })
    .then((r) => { console.log(r.markdown); console.log(r.headlines.join('\n')); console.log(r.goals); })
    .catch((e) => { console.error(e); process.exit(1); });
}
