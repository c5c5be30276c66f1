/**
 * Section 3, handlers: for every example handler (examples/<x>/handlers/<name>.ts): the size of its
/* external) and where the
 * bytes come from; for the handlers with a sample request in bench/handlers/<x>.ts: cold init in a
 * fresh process (require + first invocation against DynamoDB Local), warm p50/p99 latency and CPU per
 * request at a fixed concurrency, and the Lambda cost per million requests at ARM64 prices.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { build, Plugin } from 'esbuild';
import { buildHandlers, HANDLER_BUILD_OPTIONS } from '../../tools/build-examples';
import { engine as dynamoDbLocal } from '../../tools/engines/dynamodb-local';
import { HandlerSamples } from '../handlers/samples';
import { compileForBench, exampleApps, JS_OUT, ROOT } from '../lib/compile';
import { BenchOptions, fmt, measureOnce, percentile, SectionResult, summarize, table } from '../lib/measure';

/**
 * AWS Lambda prices, Arm, US East (N. Virginia), first pricing tier (7.5 billion GB-s a month):
 * https://aws.amazon.com/lambda/pricing/ (read 2026-11-21).
 */
export const LAMBDA_ARM_GB_SECOND_USD = 0.0000133334;
export const LAMBDA_REQUEST_USD_PER_MILLION = 0.2;
const GOAL_BUNDLE_BYTES = 100 * 1024;
const GOAL_COLD_MS = 150;
const OUT = path.join(ROOT, 'bench', 'out', 'handlers');

function handlerNames(example: string): string[] {
  const dir = path.join(ROOT, 'examples', example, 'handlers');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts')).map((f) => f.replace(/\.ts$/, '')).sort();
}

/**
 * The change proposed for the bundle size: `import { z } from 'zod'` hands esbuild the whole `z`
 * namespace object as a value (it holds `z.locales`, every locale); `import * as z from 'zod'` lets
 * it keep only the members used. This plugin rewrites the import in example sources only.
 */
const zodNamespaceImport: Plugin = {
  name: 'zod-namespace-import',
  setup(b) {
    b.onLoad({ filter: /examples\/.*\.ts$/ }, (args) => {
      const text = fs.readFileSync(args.path, 'utf-8');
      return { contents: text.replace(/import\s*\{\s*z\s*\}\s*from\s*'zod';/g, "import * as z from 'zod';"), loader: 'ts' };
    });
  },
};

async function bundle(example: string, name: string, variant: string, plugins: Plugin[]): Promise<{ bytes: number; byPackage: [string, number][] }> {
  const outfile = path.join(OUT, variant, example, name, 'index.js');
  const r = await build({
    entryPoints: [path.join(ROOT, 'examples', example, 'handlers', `${name}.ts`)],
    outfile,
    ...HANDLER_BUILD_OPTIONS,
    external: [...HANDLER_BUILD_OPTIONS.external],
    logLevel: 'error',
    metafile: true,
    plugins,
  });
  const out = Object.values(r.metafile!.outputs)[0];
  const agg = new Map<string, number>();
  for (const [file, v] of Object.entries(out.inputs)) {
    const m = file.match(/node_modules\/((@[^/]+\/)?[^/]+)(\/v4\/locales)?/);
    const key = m ? m[1] + (m[3] ?? '') : 'examples (own code)';
    agg.set(key, (agg.get(key) ?? 0) + v.bytesInOutput);
  }
  return { bytes: fs.statSync(outfile).size, byPackage: [...agg].sort((a, b) => b[1] - a[1]) };
}

const kb = (b: number) => `${(b / 1024).toFixed(0)} KB`;

function costPerMillion(memoryMb: number, durationMs: number): number {
  return (memoryMb / 1024) * (Math.ceil(durationMs) / 1000) * 1e6 * LAMBDA_ARM_GB_SECOND_USD + LAMBDA_REQUEST_USD_PER_MILLION;
}

export interface HandlerFigures { example: string; name: string; cpuMsPerRequest: number; memoryMb: number; meanMs: number; p50Ms: number }

export interface HandlerOptions extends BenchOptions { warmCount: number; concurrency: number }

export async function runHandlers(options: HandlerOptions): Promise<SectionResult & { figures: HandlerFigures[] }> {
  compileForBench();
  fs.rmSync(OUT, { recursive: true, force: true });
  const lines = ['## 3. Handlers', ''];
  const headlines: string[] = [];
  const goals: [boolean | undefined, string][] = [];
  const figures: HandlerFigures[] = [];
  const examples = exampleApps().filter((e) => handlerNames(e).length > 0);

  // Sizes.
  const sizeRows: string[][] = [];
  const anatomy: string[] = [];
  let largest = 0;
  let largestProposed = 0;
  for (const ex of examples) {
    const names = handlerNames(ex);
    if (names.some((n) => !fs.existsSync(path.join(ROOT, 'build', 'examples', ex, 'handlers', n, 'index.js')))) buildHandlers(ex);
    for (const name of names) {
      const built = fs.statSync(path.join(ROOT, 'build', 'examples', ex, 'handlers', name, 'index.js')).size;
      const current = await bundle(ex, name, 'current', []);
      const proposed = await bundle(ex, name, 'zod-namespace-import', [zodNamespaceImport]);
      largest = Math.max(largest, built);
      largestProposed = Math.max(largestProposed, proposed.bytes);
      const locales = current.byPackage.find(([k]) => k === 'zod/v4/locales')?.[1] ?? 0;
      const tracer = ['aws-xray-sdk-core', 'semver', 'cls-hooked', 'emitter-listener', 'shimmer', 'async-hook-jl', 'stack-chain']
        .reduce((s, k) => s + (proposed.byPackage.find(([p]) => p === k)?.[1] ?? 0), 0);
      sizeRows.push([`${ex}/${name}`, kb(built), kb(locales), kb(proposed.bytes), kb(tracer), kb(proposed.bytes - tracer)]);
      if (anatomy.length === 0) {
        anatomy.push(`Where the bytes of \`${ex}/${name}\` come from (bytes in the minified output, by package), now and with the proposed import:`, '',
          table(['package', 'now', 'with `import * as z`'], current.byPackage.slice(0, 12).map(([k, v]) => [k, kb(v), kb(proposed.byPackage.find(([p]) => p === k)?.[1] ?? 0)])), '');
      }
    }
  }
  lines.push('### Bundle sizes', '',
    'Size of `build/examples/<x>/handlers/<name>/index.js` as `npx projen examples:build` writes it (esbuild, minified, CJS, node24, `@aws-sdk/*` external). "Proposed" is the same build with the examples\' `import { z } from \'zod\'` written `import * as z from \'zod\'` (bench/sections/handlers.ts, plugin `zod-namespace-import`); "X-Ray SDK" is what Powertools Tracer pulls in (aws-xray-sdk-core and its CJS dependencies: semver, cls-hooked...).', '',
    table(['handler', 'bundle now', 'of which zod locales', 'proposed', 'of which X-Ray SDK (Tracer)', 'proposed without X-Ray SDK'], sizeRows), '', ...anatomy);
  goals.push([largest < GOAL_BUNDLE_BYTES, `Largest example handler bundle ${kb(largest)} (goal < 100 KB unless a library forces more); with the proposed zod import ${kb(largestProposed)}`]);
  headlines.push(`Handler bundles: largest ${kb(largest)} now, ${kb(largestProposed)} with \`import * as z from 'zod'\``);

  // Runtime: DynamoDB Local, tables, then cold and warm probes.
  const withSamples = examples.filter((ex) => fs.existsSync(path.join(JS_OUT, 'bench', 'handlers', `${ex}.js`)));
  if (withSamples.length === 0) return { markdown: lines.join('\n'), headlines, goals, figures };
  const started = await dynamoDbLocal.start();
  const probe = path.join(JS_OUT, 'bench', 'apps', 'handler-probe.js');
  const stops: (() => Promise<void>)[] = [];
  try {
    const client = new DynamoDBClient({ endpoint: started.env.DYNAMODB_ENDPOINT, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    interface Target { ex: string; name: string; samples: HandlerSamples; env: Record<string, string> }
    const targets: Target[] = [];
    for (const ex of withSamples) {
      // The TypeScript source (this runs under ts-node): `prepare` may start the example's local run,
      // which loads the handlers' .ts files.
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- per-example sample files
      const samples = require(path.join(ROOT, 'bench', 'handlers', `${ex}.ts`)).samples as HandlerSamples;
      const env: Record<string, string> = { ...started.env, ...(samples.environment ?? {}), POWERTOOLS_LOG_LEVEL: 'WARN', NODE_ENV: 'production' };
      if (samples.prepare) {
        // Each cold sample is one invocation; the warm probe makes one unrecorded call and warmCount more.
        const prepared = await samples.prepare(started.env.DYNAMODB_ENDPOINT, { invocations: options.warmup + options.runs + 1 + options.warmCount });
        stops.push(() => prepared.stop());
        Object.assign(env, prepared.environment, { POWERTOOLS_LOG_LEVEL: 'WARN', NODE_ENV: 'production' });
      }
      for (const t of samples.prepare ? [] : samples.tables) {
        const tableName = `bench-${ex}-${t.envName.toLowerCase()}-${Date.now()}`;
        const pk = t.partitionKey ?? 'pk';
        await client.send(new CreateTableCommand({
          TableName: tableName,
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: [{ AttributeName: pk, KeyType: 'HASH' }, ...(t.sortKey ? [{ AttributeName: t.sortKey, KeyType: 'RANGE' as const }] : [])],
          AttributeDefinitions: [{ AttributeName: pk, AttributeType: 'S' }, ...(t.sortKey ? [{ AttributeName: t.sortKey, AttributeType: 'S' as const }] : [])],
        }));
        env[t.envName] = tableName;
      }
      for (const name of handlerNames(ex).filter((n) => samples.requests[n])) targets.push({ ex, name, samples, env });
    }
    client.destroy();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-probe-'));
    // Invocations made so far, per handler: `{{index}}` in its sample counts on across probes.
    const made = new Map<string, number>();
    const runProbe = (t: Target, mode: 'cold' | 'warm') => {
      const offset = made.get(`${t.ex}/${t.name}`) ?? 0;
      made.set(`${t.ex}/${t.name}`, offset + (mode === 'cold' ? 1 : 1 + options.warmCount));
      const file = path.join(tmp, `${t.ex}-${t.name}-${mode}.json`);
      const sample = measureOnce({
        name: `${t.ex}/${t.name} ${mode}`,
        command: [process.execPath, probe, file],
        env: { ...t.env, ...(t.samples.requests[t.name].environment ?? {}), BENCH_PROBE: JSON.stringify({ bundle: path.join(ROOT, 'build', 'examples', t.ex, 'handlers', t.name, 'index.js'), request: t.samples.requests[t.name], mode, count: options.warmCount, concurrency: options.concurrency, offset }) },
      });
      return { sample, result: JSON.parse(fs.readFileSync(file, 'utf-8')) };
    };
    interface Cold { total: number[]; req: number[]; first: number[]; wall: number[]; rss: number[]; status: number }
    const cold = new Map<string, Cold>();
    for (let round = 0; round < options.warmup + options.runs; round++) {
      for (const t of targets) {
        const { sample, result } = runProbe(t, 'cold');
        if (round < options.warmup) continue;
        const k = `${t.ex}/${t.name}`;
        const c: Cold = cold.get(k) ?? { total: [], req: [], first: [], wall: [], rss: [], status: 0 };
        c.status = result.firstStatus;
        c.total.push(result.requireMs + result.firstMs);
        c.req.push(result.requireMs);
        c.first.push(result.firstMs);
        c.wall.push(sample.wallMs);
        c.rss.push(sample.maxRssMb);
        cold.set(k, c);
      }
      if (options.log) process.stderr.write(`  handlers: cold round ${round + 1}\n`);
    }
    const rows: string[][] = [];
    let worstCold = 0;
    for (const t of targets) {
      const k = `${t.ex}/${t.name}`;
      const c = cold.get(k)!;
      const warm = runProbe(t, 'warm').result;
      if (options.log) process.stderr.write(`  handlers: warm ${k}\n`);
      const lat: number[] = warm.latencies;
      const mean = lat.reduce((a, b) => a + b, 0) / lat.length;
      const total = summarize(c.total);
      worstCold = Math.max(worstCold, total.median);
      const mem = t.samples.requests[t.name].memoryMb ?? t.samples.memoryMb;
      figures.push({ example: t.ex, name: t.name, cpuMsPerRequest: warm.cpuMsPerRequest, memoryMb: mem, meanMs: mean, p50Ms: percentile(lat, 50) });
      rows.push([k, `${c.status}`, fmt(summarize(c.req), 0, ' ms'), fmt(summarize(c.first), 0, ' ms'), fmt(total, 0, ' ms'), fmt(summarize(c.rss), 0, ' MB'),
        Object.entries(warm.statuses).map(([s, n]) => `${s}×${n}`).join(' '),
        `${percentile(lat, 50).toFixed(1)} / ${percentile(lat, 99).toFixed(1)} ms`, `${(lat.length / (warm.wallMs / 1000)).toFixed(0)}/s`,
        `${warm.cpuMsPerRequest.toFixed(2)} ms`, `${mem} MB`, `$${costPerMillion(mem, mean).toFixed(2)}`]);
    }
    fs.rmSync(tmp, { recursive: true, force: true });
    lines.push('### Cold init, warm latency, cost', '',
      `Each handler's bundle run by \`node\` (bench/apps/handler-probe.ts) against DynamoDB Local on 127.0.0.1. Cold: a fresh process per sample, \`require\` of the bundle then the first invocation (SDK client creation and first connection included), ${options.runs} samples each after ${options.warmup} warm-up, handlers interleaved. Warm: one process, one unrecorded call, then ${options.warmCount} invocations with ${options.concurrency} in flight; CPU is the process's user + system time per request (DynamoDB Local's own CPU is not in it, as DynamoDB's is not in Lambda's). Cost per million requests: memory (GB) × mean warm duration (rounded up to 1 ms) × $${LAMBDA_ARM_GB_SECOND_USD}/GB-s + $${LAMBDA_REQUEST_USD_PER_MILLION.toFixed(2)} per million requests (AWS Lambda, Arm, US East (N. Virginia), first tier; https://aws.amazon.com/lambda/pricing/, read 2026-11-21). Local latency to DynamoDB Local is not DynamoDB's in a region; treat the durations as an order of magnitude and the CPU as the firmer figure.`, '',
      table(['handler', 'first status', 'require', 'first invocation', 'cold init (require + first)', 'peak RSS', 'warm statuses', 'warm p50 / p99', 'throughput (1 process)', 'CPU / request', 'memory', '$ per million (ARM64)'], rows), '');
    goals.push([worstCold < GOAL_COLD_MS, `Cold init (require + first invocation), slowest handler median ${worstCold.toFixed(0)} ms (goal < 150 ms locally)`]);
    headlines.push(`Cold init (require + first invocation): slowest handler ${worstCold.toFixed(0)} ms median; warm CPU per request ${figures.map((f) => `${f.name} ${f.cpuMsPerRequest.toFixed(2)} ms`).join(', ')}`);
  } finally {
    for (const stop of stops.reverse()) await stop().catch((e) => console.error(e));
    await started.stop();
  }
  return { markdown: lines.join('\n'), headlines, goals, figures };
}

if (require.main === module) {
  runHandlers({ runs: Number(process.env.RUNS ?? 3), warmup: 1, log: true, warmCount: 500, concurrency: 8 })
    .then((r) => { console.log(r.markdown); console.log(r.headlines.join('\n')); console.log(r.goals); })
    .catch((e) => { console.error(e); process.exit(1); });
}
