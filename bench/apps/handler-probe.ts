/**
 * Runs one bundled handler in this process and writes timings as JSON to the file in argv[2].
 *   cold: require + first invocation (run in a fresh process per sample)
 *   warm: after one unrecorded call, `count` invocations with `concurrency` in flight; per-call
 *         latency and this process's CPU time (user + system) per request.
 * BENCH_PROBE = JSON { bundle, request, mode, count, concurrency, offset }; the handler's
 * environment (tables, DynamoDB endpoint) comes from the parent. `offset` is how many invocations
 * of this handler earlier probes made (`{{index}}` counts on from it).
 */
import * as fs from 'fs';
import { lambdaContext } from '@cdk-rampart/lambda-kit/testing';
import { proxyEventFor, SampleRequest, withSeq } from '../handlers/samples';

interface Probe { bundle: string; request: SampleRequest; mode: 'cold' | 'warm'; count: number; concurrency: number; offset?: number }

const context = (id: string) => lambdaContext({ functionName: 'bench', requestId: id, memoryMb: 512, timeoutMs: 10_000 });

async function main(): Promise<void> {
  const out = process.argv[2];
  const p = JSON.parse(process.env.BENCH_PROBE!) as Probe;
  const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
  let n = 0;
  const call = async (handler: any) => {
    const id = `bench-${process.pid}-${n++}`;
    const seq = `P${process.pid}X${n}`;
    const request = withSeq(p.request, seq, (p.offset ?? 0) + n - 1);
    if (request.registerPerCall) {
      const { env, entry, keep } = request.registerPerCall;
      process.env[env] = JSON.stringify([...JSON.parse(process.env[env] ?? '[]') as unknown[], entry].slice(-keep));
    }
    const res = await handler(proxyEventFor(request, id), context(id));
    // SQS and stream handlers answer a partial-batch response: no failures is a 200.
    if (res && res.statusCode === undefined) return Array.isArray(res.batchItemFailures) && res.batchItemFailures.length > 0 ? 500 : 200;
    return res?.statusCode as number;
  };
  const t0 = process.hrtime.bigint();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle under test
  const handler = require(p.bundle).handler;
  const requireMs = ms(t0);
  const t1 = process.hrtime.bigint();
  const firstStatus = await call(handler);
  const firstMs = ms(t1);
  if (p.mode === 'cold') {
    fs.writeFileSync(out, JSON.stringify({ requireMs, firstMs, firstStatus }));
    return;
  }
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  const cpu0 = process.cpuUsage();
  const w0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: p.concurrency }, async () => {
    while (next < p.count) {
      next++;
      const t = process.hrtime.bigint();
      const s = await call(handler);
      latencies.push(ms(t));
      statuses[s] = (statuses[s] ?? 0) + 1;
    }
  }));
  const wallMs = ms(w0);
  const cpu = process.cpuUsage(cpu0);
  const cpuMsPerRequest = (cpu.user + cpu.system) / 1000 / p.count;
  fs.writeFileSync(out, JSON.stringify({ requireMs, firstMs, firstStatus, latencies, statuses, wallMs, cpuMsPerRequest }));
}

main().catch((e) => { console.error(e); process.exit(1); });
