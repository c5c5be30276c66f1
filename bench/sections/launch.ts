/**
 * Section 4, the launch day: a bounded autocannon load (127.0.0.1, a request count and a time limit)
 * against an example running under the shared local runner (examples/shared/local: DynamoDB Local,
 * the real handlers in-process behind the API Gateway proxy), writes and reads at once; then whether
 * any accepted write is missing, and the capacity arithmetic for 160 million requests a day.
 *
 * The movement pass (apply + verify) is the scenario the issue names; until examples/pass has its
 * local runner entry, the counter stands in through the same interface: POST /decrement is the write
 * (every 2xx must be reflected: final value = start − accepted sales) and GET /counter the read.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { counterLocalOptions } from '../../examples/counter/local-options';
import { startLocal } from '../../examples/shared/local';
import { ROOT } from '../lib/compile';
import { BenchOptions, SectionResult, table } from '../lib/measure';

const DAY_REQUESTS = 160e6;
const START = 1_000_000_000;

interface CannonResult {
  'requests': { average: number; total: number; sent: number };
  'latency': { p50: number; p90: number; p99: number; max: number; average: number };
  '2xx': number;
  'non2xx': number;
  'errors': number;
  'timeouts': number;
  'duration': number;
}

function cannon(url: string, method: string, amount: number, connections: number, seconds: number): Promise<CannonResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'autocannon'),
      ['-j', '-c', String(connections), '-a', String(amount), '-d', String(seconds), '-m', method, '-t', '10', url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    // autocannon stops at `amount`; the timer bounds a run that cannot reach it.
    const timer = setTimeout(() => child.kill('SIGINT'), (seconds + 60) * 1000);
    child.on('close', () => { clearTimeout(timer); try { resolve(JSON.parse(out)); } catch (e) { reject(new Error(`autocannon: ${out.slice(-500)}`)); } });
  });
}

export interface LaunchOptions extends BenchOptions {
  amount: number;
  connections: number;
  seconds: number;
  cpuMsPerRequest?: number;
  memoryMb?: number;
  meanMs?: number;
}

export async function runLaunch(options: LaunchOptions): Promise<SectionResult> {
  const lines = ['## 4. Launch day', ''];
  const headlines: string[] = [];
  const goals: [boolean | undefined, string][] = [];
  const passReady = fs.existsSync(path.join(ROOT, 'examples', 'pass', 'local-options.ts')) || fs.existsSync(path.join(ROOT, 'examples', 'pass', 'local.ts'));
  lines.push(passReady
    ? '> examples/pass has a local runner entry now: its apply + verify scenario is to be wired here (bench/sections/launch.ts); the counter below is the stand-in.'
    : '> **Waiting for examples/pass**: the movement pass (apply + verify) has no local runner entry yet. The same load runs against the counter, through the same local-runner interface (`startLocal(options)`), so the harness, the lost-write check and the arithmetic are in place.', '');

  const local = await startLocal(counterLocalOptions({ start: START, log: false }));
  try {
    const cpu0 = process.cpuUsage();
    const t0 = Date.now();
    const [writes, reads] = await Promise.all([
      cannon(`${local.apiUrl}/decrement`, 'POST', options.amount, options.connections, options.seconds),
      cannon(`${local.apiUrl}/counter`, 'GET', options.amount, options.connections, options.seconds),
    ]);
    const wallS = (Date.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const final = await (await fetch(`${local.apiUrl}/counter`)).json() as { value: number };
    const served = writes.requests.total + reads.requests.total;
    const cpuMsPerRequest = (cpu.user + cpu.system) / 1000 / Math.max(1, served);
    const lost = (START - writes['2xx']) - final.value;
    const row = (name: string, r: CannonResult) => [name, String(r.requests.total), `${r.requests.average.toFixed(0)}/s`,
      `${r.latency.p50} / ${r.latency.p90} / ${r.latency.p99} / ${r.latency.max} ms`, String(r['2xx']), String(r.non2xx), String(r.errors), String(r.timeouts)];
    lines.push(`autocannon 9, ${options.connections} connections per route, at most ${options.amount} requests per route and ${options.seconds} s, writes and reads at the same time, against the counter under the local runner (one Node.js process: API Gateway proxy + handlers; DynamoDB Local in Java). Load generator and server share this 2-core machine.`, '',
      table(['route', 'requests', 'throughput', 'latency p50 / p90 / p99 / max', '2xx', 'non-2xx', 'errors', 'timeouts'],
        [row('POST /decrement (write)', writes), row('GET /counter (read)', reads)]), '',
      `Accepted writes: ${writes['2xx']}; the counter fell from ${START} to ${final.value}: ${lost === 0 ? '**no accepted write is missing**' : `**${lost} accepted write(s) missing**`} (${lost < 0 ? `${-lost} more decrements applied than acknowledged (a timed-out request whose write landed)` : 'value = start − accepted'}). Server CPU (user + system of the process running the proxy and handlers, DynamoDB Local excluded): ${cpuMsPerRequest.toFixed(2)} ms per request over ${served} requests in ${wallS.toFixed(1)} s.`, '');
    goals.push([lost === 0 && writes.errors === 0, `Launch-day load (counter stand-in; the pass scenario is waiting): ${lost === 0 ? 'zero' : lost} accepted writes lost, ${writes.errors + reads.errors} errors, ${writes.timeouts + reads.timeouts} timeouts`]);
    headlines.push(`Launch day (counter stand-in): ${(writes.requests.average + reads.requests.average).toFixed(0)} req/s on one local process, p99 ${Math.max(writes.latency.p99, reads.latency.p99)} ms, ${lost} accepted writes lost`);

    // Capacity arithmetic.
    const perRequestCpu = options.cpuMsPerRequest ?? cpuMsPerRequest;
    const avg = DAY_REQUESTS / 86400;
    const peak = avg * 10;
    const meanMs = options.meanMs;
    const mem = options.memoryMb ?? 512;
    const capRow = (name: string, rps: number) => [name, `${rps.toFixed(0)} req/s`, `${((rps * perRequestCpu) / 1000).toFixed(1)} vCPU`,
      meanMs ? `${Math.ceil((rps * meanMs) / 1000)}` : '–', `${((rps * 3600 * (mem / 1024) * Math.ceil(meanMs ?? perRequestCpu)) / 1000 * 0.0000133334 + (rps * 3600) / 1e6 * 0.2).toFixed(2)} $/hour`];
    lines.push('### Capacity for 160 million requests a day', '',
      `Per-request CPU ${perRequestCpu.toFixed(2)} ms (warm handler CPU from section 3${options.cpuMsPerRequest ? '' : ': not available, the local system\'s is used'}); Lambda concurrency = rate × mean duration (${meanMs ? `${meanMs.toFixed(1)} ms, measured against DynamoDB Local` : 'not measured'}); cost at ${mem} MB ARM64 (Lambda only: API Gateway, DynamoDB and WAF are billed on top).`, '',
      table(['load', 'rate', 'CPU busy (vCPU-equivalents)', 'Lambda concurrency needed', 'Lambda cost'], [capRow('average (160 M / 86 400 s)', avg), capRow('peak hour (10× average)', peak)]), '',
      `The peak hour needs ${((peak * perRequestCpu) / 1000).toFixed(0)} vCPU-equivalents of handler CPU${meanMs ? ` and about ${Math.ceil((peak * meanMs) / 1000)} concurrent executions (the default account limit is 1,000 per region: raise it, or keep per-request duration low)` : ''}; API Gateway's default account throttle is 10,000 req/s per region (a quota increase, or the stage throttles set for it).`, '');
  } finally {
    await local.stop();
  }
  return { markdown: lines.join('\n'), headlines, goals };
}
