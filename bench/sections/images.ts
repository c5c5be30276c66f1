/**
 * Images: a composition cold (a miss: `POST /compositions` 202 → queued → the worker composes with
 * sharp → `GET /compositions/{key}` ready) against cached (a hit: the same request again, 200 from
 * Redis), sharp's CPU per composition, and what 1,000 compositions cost the compose worker on
 * Lambda arm64. The pieces are the example's own: its local world (the API's real handlers on
 * DynamoDB Local, redis-server and s3rver, the FIFO queue stand-in) and the real worker and sharp.
 *
 *   npx projen bench --only images [--runs 5] [--warmup 1]
 *
 * Figures, not assertions. The worker is driven by hand the moment a job is queued, so the cold
 * figure is the work (API, queue, S3 reads, sharp, S3 write, Redis), not the event source
 * mapping's polling, which adds its own wait deployed.
 */
import { LAMBDA_ARM_GB_SECOND_USD, LAMBDA_REQUEST_USD_PER_MILLION } from './handlers';
import { engine as dynamoDbLocal } from '../../tools/engines/dynamodb-local';
import { engine as redisEngine } from '../../tools/engines/redis';
import { engine as s3rverEngine } from '../../tools/engines/s3rver';
import { fmt, summarize, table, type BenchOptions, type SectionResult, type Summary } from '../lib/measure';

/** Lambda's CPU share at a memory size: one full vCPU at 1,769 MB. */
const vcpuShare = (memoryMb: number) => Math.min(1, memoryMb / 1769);

interface Size {
  readonly name: string;
  readonly cat: [number, number];
  readonly hat: number;
}

const SIZES: Size[] = [
  { name: 'cat 1024 × 768 JPEG, hat 256 × 256 PNG', cat: [1024, 768], hat: 256 },
  { name: 'cat 4096 × 2929 JPEG (the caps), hat 1024 × 1024 PNG', cat: [4096, 2929], hat: 1024 },
];

interface Sample {
  coldMs: number;
  hitMs: number;
  composeWallMs: number;
  composeCpuMs: number;
  workerMs: number;
}

export async function runImages(options: BenchOptions): Promise<SectionResult> {
  const log = (m: string) => { if (options.log) process.stderr.write(`  images: ${m}\n`); };
  const engines = await Promise.all([dynamoDbLocal.start(), redisEngine.start(), s3rverEngine.start()]);
  for (const e of engines) Object.assign(process.env, e.env);
  Object.assign(process.env, { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_SERVICE_NAME: 'images', POWERTOOLS_METRICS_NAMESPACE: 'images', POWERTOOLS_TRACE_ENABLED: 'false' });
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded once the environment is set (the handlers' logger reads it) */
  const { startImagesWorld } = require('../../examples/images/local-world') as typeof import('../../examples/images/local-world');
  const codec = require('../../examples/images/storage/sharp-codec') as typeof import('../../examples/images/storage/sharp-codec');
  const { IMAGES_SYSTEM } = require('../../examples/images/system') as typeof import('../../examples/images/system');
  const sharp = require('sharp') as typeof import('sharp');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const world = await startImagesWorld({ useRunningEngines: true, log: false, worker: false });
  // sharp's own time, around the compositor the worker calls (its stores hold this object).
  const composed: { wallMs: number; cpuMs: number }[] = [];
  const realCompose = codec.sharpCompositor.compose.bind(codec.sharpCompositor);
  codec.sharpCompositor.compose = async (...args) => {
    const cpu = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    try {
      return await realCompose(...args);
    } finally {
      const used = process.cpuUsage(cpu);
      composed.push({ wallMs: Number(process.hrtime.bigint() - t0) / 1e6, cpuMs: (used.user + used.system) / 1000 });
    }
  };
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${world.apiUrl}${path}`, { method, headers: { 'content-type': 'application/json', 'x-api-key': world.apiKey }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: await res.json() as any };
  };
  const upload = async (kind: 'cat' | 'hat', bytes: Buffer, contentType: string) => {
    const asked = await call('POST', '/uploads', { kind, contentType, size: bytes.length });
    const form = new FormData();
    for (const [k, v] of Object.entries(asked.body.upload.fields as Record<string, string>)) form.append(k, v);
    form.append('file', new Blob([new Uint8Array(bytes)], { type: contentType }));
    await (await fetch(asked.body.upload.url, { method: 'POST', body: form })).arrayBuffer();
    const done = await call('POST', `/images/${asked.body.imageId}/complete`);
    if (done.status !== 200) throw new Error(`complete answered ${done.status}: ${JSON.stringify(done.body)}`);
    return asked.body.imageId as string;
  };
  const noise = (w: number, h: number, channels: 3 | 4) => {
    const raw = Buffer.alloc(w * h * channels);
    let s = 7;
    for (let i = 0; i < raw.length; i++) {
      s = (s * 48271) % 2147483647;
      raw[i] = channels === 4 && i % 4 === 3 ? (Math.floor(i / 4) % w > w / 8 ? 255 : 0) : ((i / channels) % w) / 8 + (s % 12);
    }
    return sharp(raw, { raw: { width: w, height: h, channels } });
  };
  try {
    const memoryMb = IMAGES_SYSTEM.workers.compose.memorySize;
    const rows: string[][] = [];
    const costRows: string[][] = [];
    const headlines: string[] = [];
    let placementSeed = 0;
    for (const size of SIZES) {
      const cat = await upload('cat', await noise(size.cat[0], size.cat[1], 3).jpeg({ quality: 85 }).toBuffer(), 'image/jpeg');
      const hat = await upload('hat', await noise(size.hat, size.hat, 4).png().toBuffer(), 'image/png');
      const samples: Sample[] = [];
      // Interleaved: each round a cold composition, then a hit on it.
      for (let round = 0; round < options.warmup + options.runs; round++) {
        const placement = { x: 0.5, y: 0.3, scale: 0.4, rotation: ++placementSeed };
        const before = composed.length;
        const t0 = process.hrtime.bigint();
        const queued = await call('POST', '/compositions', { catId: cat, hatId: hat, placement });
        if (queued.status !== 202) throw new Error(`a new composition answered ${queued.status}: ${JSON.stringify(queued.body)}`);
        const w0 = process.hrtime.bigint();
        await world.deliver();
        const workerMs = Number(process.hrtime.bigint() - w0) / 1e6;
        const status = await call('GET', `/compositions/${queued.body.key}`);
        const coldMs = Number(process.hrtime.bigint() - t0) / 1e6;
        if (status.body.status !== 'ready' || composed.length !== before + 1) throw new Error(`not composed once: ${JSON.stringify(status.body)}, ${composed.length - before} runs`);
        const h0 = process.hrtime.bigint();
        const hit = await call('POST', '/compositions', { catId: cat, hatId: hat, placement });
        const hitMs = Number(process.hrtime.bigint() - h0) / 1e6;
        if (hit.status !== 200) throw new Error(`the same composition again answered ${hit.status}`);
        const run = composed[composed.length - 1];
        if (round >= options.warmup) samples.push({ coldMs, hitMs, composeWallMs: run.wallMs, composeCpuMs: run.cpuMs, workerMs });
        log(`${size.name}: ${round < options.warmup ? 'warm-up' : `run ${round - options.warmup + 1}`}: cold ${coldMs.toFixed(0)} ms, hit ${hitMs.toFixed(1)} ms, sharp ${run.cpuMs.toFixed(0)} ms CPU`);
      }
      const s = (f: (x: Sample) => number): Summary => summarize(samples.map(f));
      const ratio = s((x) => x.coldMs / x.hitMs);
      const cpu = s((x) => x.composeCpuMs);
      const worker = s((x) => x.workerMs);
      // Deployed, sharp's CPU runs on the function's share of a vCPU; the rest of the invocation (S3, Redis) waits on the network.
      const billedMs = (x: Sample) => Math.ceil(Math.max(x.workerMs, x.workerMs - x.composeWallMs + x.composeCpuMs / vcpuShare(memoryMb)));
      const billed = s(billedMs);
      const usd = (ms: number) => 1000 * ((memoryMb / 1024) * (ms / 1000) * LAMBDA_ARM_GB_SECOND_USD + LAMBDA_REQUEST_USD_PER_MILLION / 1e6);
      rows.push([
        size.name,
        fmt(s((x) => x.coldMs), 0, ' ms'),
        fmt(s((x) => x.hitMs), 1, ' ms'),
        `${ratio.median.toFixed(0)}× (${ratio.min.toFixed(0)}–${ratio.max.toFixed(0)})`,
        fmt(worker, 0, ' ms'),
        fmt(s((x) => x.composeWallMs), 0, ' ms'),
        fmt(cpu, 0, ' ms'),
      ]);
      costRows.push([size.name, `${memoryMb} MB`, fmt(billed, 0, ' ms'), `$${usd(billed.median).toFixed(4)} ($${usd(billed.min).toFixed(4)}–$${usd(billed.max).toFixed(4)})`]);
      headlines.push(`Images (${size.name}): cold ${s((x) => x.coldMs).median.toFixed(0)} ms vs cached ${s((x) => x.hitMs).median.toFixed(1)} ms (${ratio.median.toFixed(0)}×); sharp ${cpu.median.toFixed(0)} ms CPU per composition; $${usd(billed.median).toFixed(4)} per 1,000 compositions on the worker`);
    }
    const lines = [
      '## 6. Images: compositions cold and cached, sharp\'s CPU, the worker\'s cost', '',
      `The local world of examples/images (the API's real handlers on DynamoDB Local, redis-server and s3rver, the FIFO queue stand-in), the real compose worker and sharp (concurrency 1, as in Lambda). ${options.runs} rounds per size after ${options.warmup} warm-up; each round a new placement composed cold (\`POST /compositions\` 202 → the worker delivered at once → \`GET /compositions/{key}\` ready), then the same request again (a hit: 200 from Redis), so cold and cached run interleaved and the ratio is paired. sharp's CPU is the process's user + system time around the compositor the worker calls (libvips' threads included).`, '',
      table(['images', 'cold: miss → queued → composed', 'cached: hit', 'cold / cached (paired)', 'worker invocation', 'sharp wall', 'sharp CPU'], rows), '',
      `Cost per 1,000 compositions on the compose worker (its memory from examples/images/system.ts): duration = the measured invocation with sharp's CPU stretched to the function's vCPU share (${memoryMb} MB = ${vcpuShare(memoryMb).toFixed(2)} vCPU; one full vCPU at 1,769 MB), rounded up to 1 ms; × ${memoryMb / 1024} GB × $${LAMBDA_ARM_GB_SECOND_USD}/GB-s + $${LAMBDA_REQUEST_USD_PER_MILLION.toFixed(2)} per million requests (AWS Lambda, Arm, US East (N. Virginia), first tier; https://aws.amazon.com/lambda/pricing/, read 2026-11-21). A hit costs the worker nothing. API Gateway, SQS, S3, ElastiCache and CloudFront are billed on top; S3 and Redis here are on the same machine, not a region's.`, '',
      table(['images', 'worker memory', 'billed duration', 'Lambda $ per 1,000 compositions'], costRows), '',
    ];
    for (const h of headlines) console.log(h);
    return { markdown: lines.join('\n'), headlines, goals: [] };
  } finally {
    codec.sharpCompositor.compose = realCompose;
    await world.stop();
    for (const e of engines) await e.stop();
  }
}

if (require.main === module) {
  runImages({ runs: 5, warmup: 1, log: true }).then((r) => console.log(r.markdown)).catch((e) => { console.error(e); process.exit(1); });
}
