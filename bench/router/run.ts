/**
 * The runtime kit's handler against Powertools' REST router (@aws-lambda-powertools/event-handler,
 * `/http`), on one route (POST /items, a zod-validated JSON body, answered 201):
 *
 * - bundle size: each handler bundled as the example handlers are (tools/build-examples.ts's
/* external), bytes and gzipped;
 * - cold start: a new `node` process per sample requires the bundle and answers one event; the
 *   time from the process's start to the answer (`performance.now()`, which counts from the
 *   process's time origin) and the time to require the bundle alone, median over RUNS samples per
 *   handler, the handlers interleaved so load on the machine falls on all of them alike.
 *
 *   npx projen kit:build && npx ts-node --swc bench/router/run.ts [runs]
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { buildSync } from 'esbuild';
import { HANDLER_BUILD_OPTIONS } from '../../tools/build-examples';

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, 'bench', 'out', 'router');
const HANDLERS = ['kit', 'powertools', 'powertools-observed'];
const RUNS = Number(process.argv[2] ?? 15);

const PROBE = `
const t0 = performance.now();
const { handler } = require(process.argv[1]);
const loaded = performance.now();
const { apiGatewayEvent, lambdaContext } = require(process.argv[2]);
const event = apiGatewayEvent({ method: 'POST', resource: '/items', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'camera', quantity: 2 }) });
Promise.resolve(handler(event, lambdaContext({ functionName: 'items' }))).then((res) => {
  const done = performance.now();
  process.stdout.write(JSON.stringify({ status: res.statusCode, body: res.body, requireMs: loaded - t0, totalMs: done }));
});
`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function main(): void {
  fs.mkdirSync(OUT, { recursive: true });
  const bundles = Object.fromEntries(HANDLERS.map((name) => {
    const outfile = path.join(OUT, `${name}.js`);
    buildSync({
      ...HANDLER_BUILD_OPTIONS,
      external: [...HANDLER_BUILD_OPTIONS.external],
      entryPoints: [path.join(__dirname, 'handlers', `${name}.ts`)],
      outfile,
      logLevel: 'warning',
    });
    const code = fs.readFileSync(outfile);
    return [name, { outfile, bytes: code.length, gzip: gzipSync(code).length }];
  }));

  const testing = require.resolve('@cdk-rampart/lambda-kit/testing');
  type Samples = { requireMs: number[]; totalMs: number[]; status?: number };
  const samples: Record<string, Samples> = Object.fromEntries(HANDLERS.map((h) => [h, { requireMs: [], totalMs: [] }]));
  const env = { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_SERVICE_NAME: 'items', POWERTOOLS_METRICS_NAMESPACE: 'bench', POWERTOOLS_TRACE_ENABLED: 'false', AWS_REGION: 'us-east-1' };
  for (let i = 0; i < RUNS + 1; i++) {
    for (const name of HANDLERS) {
      const run = spawnSync(process.execPath, ['-e', PROBE, bundles[name].outfile, testing], { env, encoding: 'utf-8' });
      if (run.status !== 0) throw new Error(`${name}: ${run.stderr}`);
      const out = JSON.parse(run.stdout.trim().split('\n').pop()!);
      if (out.status !== 201) throw new Error(`${name} answered ${out.status}: ${out.body}`);
      if (i === 0) continue; // the first round warms the file cache
      samples[name].requireMs.push(out.requireMs);
      samples[name].totalMs.push(out.totalMs);
      samples[name].status = out.status;
    }
  }

  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`node ${process.version}, ${RUNS} cold starts per handler (interleaved), medians`);
  console.log('| handler | bundle (minified) | gzipped | require | process start to answer |');
  console.log('|---|---|---|---|---|');
  for (const name of HANDLERS) {
    const b = bundles[name];
    console.log(`| ${name} | ${kb(b.bytes)} | ${kb(b.gzip)} | ${median(samples[name].requireMs).toFixed(1)} ms | ${median(samples[name].totalMs).toFixed(1)} ms |`);
  }
}

main();
