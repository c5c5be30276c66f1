import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { api, catPng, hatPng, readyImage, type Answer } from './images-support';
import { startImagesWorld, type ImagesWorld } from '../../examples/images/local-world';
import type * as Clients from '../../examples/images/storage/clients';
import type * as Codec from '../../examples/images/storage/sharp-codec';
import { FaultProxy } from '../support/fault-proxy';

/**
 * Compositions under contention, on DynamoDB Local, redis-server, s3rver, the FIFO queue stand-in
 * and the real sharp. The worker is driven by hand (`deliver`), so each step is seen. sharp's runs
 * are counted where the worker calls them: the compositor the worker's stores hold
 * (`sharpCompositor.compose`, wrapped to count and to see overlaps, the real composition run
 * inside) and the codec's own count of compositions.
 */

let world: ImagesWorld;
let s3: S3Client;
let cat: string;
let hat: string;
let placementSeed = 0;

/** Compositions started and finished through the compositor, and the most running at once. */
const seen = { started: 0, finished: 0, running: 0, peak: 0 };
let composeSpy: jest.SpyInstance;
// Loaded once the world has set the handlers' environment (their logger and metrics read it when first loaded).
let codec: typeof Codec;
let clients: typeof Clients;

beforeAll(async () => {
  world = await startImagesWorld({ useRunningEngines: true, log: false, worker: false });
  /* eslint-disable @typescript-eslint/no-require-imports */
  codec = require('../../examples/images/storage/sharp-codec');
  clients = require('../../examples/images/storage/clients');
  /* eslint-enable @typescript-eslint/no-require-imports */
  s3 = new S3Client({ endpoint: world.s3Endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  [cat, hat] = await Promise.all([readyImage(world, 'cat', await catPng(200, 150)), readyImage(world, 'hat', await hatPng(64))]);
}, 60_000);

beforeEach(() => {
  const { sharpCompositor } = codec;
  const realCompose = sharpCompositor.compose.bind(sharpCompositor);
  composeSpy = jest.spyOn(sharpCompositor, 'compose').mockImplementation(async (...args) => {
    seen.started++;
    seen.running++;
    seen.peak = Math.max(seen.peak, seen.running);
    try {
      return await realCompose(...args);
    } finally {
      seen.running--;
      seen.finished++;
    }
  });
  Object.assign(seen, { started: 0, finished: 0, running: 0, peak: 0 });
});

afterEach(() => composeSpy.mockRestore());

afterAll(async () => {
  s3?.destroy();
  await world?.stop();
});

/** A placement no other test uses, so each test starts from a key never asked for. */
const freshPlacement = () => ({ x: 0.3 + (++placementSeed) / 100, y: 0.4, scale: 0.5, rotation: placementSeed });
const compose = (placement: object) => api(world, 'POST', '/compositions', { catId: cat, hatId: hat, placement });
const queueDepth = () => world.queue.aws.depth(world.queue.name);
const strip = (a: Answer) => ({ status: a.status, body: a.body });

async function results(): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: world.buckets.results, Prefix: 'results/' }));
  return (out.Contents ?? []).map((o) => o.Key!);
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the worker the world feeds, loaded with its environment
const worker = () => (require('../../examples/images/handlers/compose') as { handler: (e: SQSEvent) => Promise<SQSBatchResponse> }).handler;

describe('one composition, asked for 100 times at once', () => {
  test('100 identical 202s with one key; one message queued; sharp runs once; then 100 identical ready statuses and 100 identical 200s', async () => {
    const placement = freshPlacement();
    const depth = queueDepth();
    const runsBefore = codec.compositorRuns.count;
    const answers = await Promise.all(Array.from({ length: 100 }, () => compose(placement)));
    const key = answers[0].body.key as string;
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(answers.map(strip)).toEqual(Array.from({ length: 100 }, () => ({ status: 202, body: { key, status: 'queued', statusUrl: `/compositions/${key}` } })));
    expect(queueDepth()).toBe(depth + 1);

    await world.settle();
    expect(seen.started).toBe(1);
    expect(codec.compositorRuns.count - runsBefore).toBe(1);
    expect((await results()).filter((k) => k === `results/${key}.png`)).toHaveLength(1);
    expect(queueDepth()).toBe(depth);

    const url = `${world.assetsBaseUrl}/results/${key}.png`;
    const statuses = await Promise.all(Array.from({ length: 100 }, () => api(world, 'GET', `/compositions/${key}`)));
    expect(statuses.map(strip)).toEqual(Array.from({ length: 100 }, () => ({ status: 200, body: { key, status: 'ready', url } })));
    const again = await Promise.all(Array.from({ length: 100 }, () => compose(placement)));
    expect(again.map(strip)).toEqual(Array.from({ length: 100 }, () => ({ status: 200, body: { key, status: 'ready', url } })));
    expect(queueDepth()).toBe(depth);
    expect(seen.started).toBe(1);
    expect((await fetch(url)).status).toBe(200);
  });

  test('the same job delivered to 10 workers at once (at-least-once delivery): sharp runs once, the others wait for the lock or find it done', async () => {
    const placement = freshPlacement();
    const queued = await compose(placement);
    expect(queued.status).toBe(202);
    const [body] = world.queue.aws.bodies(world.queue.name).filter((b) => JSON.parse(b).key === queued.body.key);
    const event = (i: number): SQSEvent => ({ Records: [{ messageId: `duplicate-${i}`, receiptHandle: `r-${i}`, body } as SQSEvent['Records'][number]] });
    const first = await Promise.all(Array.from({ length: 10 }, (_, i) => worker()(event(i))));
    const retried = first.filter((r) => r.batchItemFailures.length > 0).length;
    expect(seen.started).toBe(1);
    // Those that found the lock held are delivered again: the composition is done by then.
    const second = await Promise.all(Array.from({ length: retried }, (_, i) => worker()(event(100 + i))));
    expect(second.every((r) => r.batchItemFailures.length === 0)).toBe(true);
    expect(seen.started).toBe(1);
    await world.settle();
    expect(seen.started).toBe(1);
    expect((await api(world, 'GET', `/compositions/${queued.body.key}`)).body.status).toBe('ready');
  });
});

describe('different compositions', () => {
  test('six distinct requests: six keys, six messages, composed side by side (never waiting for each other\'s key)', async () => {
    const depth = queueDepth();
    const placements = Array.from({ length: 6 }, () => freshPlacement());
    const answers = await Promise.all(placements.map((p) => compose(p)));
    expect(answers.every((a) => a.status === 202)).toBe(true);
    expect(new Set(answers.map((a) => a.body.key)).size).toBe(6);
    expect(queueDepth()).toBe(depth + 6);
    // Six deliveries at once, as six concurrent invocations take six message groups.
    const delivered = await Promise.all(Array.from({ length: 6 }, () => world.queue.aws.deliver(world.queue.name, worker(), { batchSize: 1 })));
    expect(delivered).toEqual([1, 1, 1, 1, 1, 1]);
    expect(seen.started).toBe(6);
    expect(seen.peak).toBeGreaterThan(1);
    for (const a of answers) expect((await api(world, 'GET', `/compositions/${a.body.key}`)).body.status).toBe('ready');
  });
});

describe('a worker that dies holding the lock', () => {
  const LOCK_MS = 400;
  afterEach(() => { delete process.env.IMAGES_LOCK_MS; });

  test('its lock expires, and the message delivered again after the visibility timeout completes the job', async () => {
    // The worker reads the lock's expiry from its environment on each invocation (the stacks set none: 30 s).
    process.env.IMAGES_LOCK_MS = String(LOCK_MS);
    const queued = await compose(freshPlacement());
    const key = queued.body.key as string;

    // The first delivery's composition never finishes: the worker is gone with the lock held.
    let kill: (e: Error) => void = () => undefined;
    composeSpy.mockImplementationOnce(() => {
      seen.started++;
      return new Promise((_, reject) => { kill = reject; });
    });
    const dead = world.queue.aws.deliver(world.queue.name, worker(), { batchSize: 1 });
    while (seen.started === 0) await new Promise((r) => setTimeout(r, 10));

    const redis = await clients.redisClient();
    const lockKey = `${process.env.IMAGES_CACHE_PREFIX}lock:${key}`;
    expect(await redis.pttl(lockKey)).toBeGreaterThan(0);
    expect(await redis.pttl(lockKey)).toBeLessThanOrEqual(LOCK_MS);

    // The visibility timeout (six times the worker's timeout) passes: SQS delivers the message again.
    const visibility = 6 * 30_000 + 1_000;
    let clock = Date.now() + visibility;
    expect(await world.queue.aws.deliver(world.queue.name, worker(), { batchSize: 1, now: clock })).toBe(1);
    // Either the lock was still held (reported as a batch failure, delivered again) or it had expired and this one composed.
    let redeliveries = 1;
    while ((await api(world, 'GET', `/compositions/${key}`)).body.status !== 'ready' && redeliveries < 4) {
      expect(await redis.pttl(lockKey)).not.toBe(-1); // never a lock without an expiry
      await new Promise((r) => setTimeout(r, LOCK_MS));
      clock += visibility;
      redeliveries += await world.queue.aws.deliver(world.queue.name, worker(), { batchSize: 1, now: clock });
    }
    // Within the queue's five receives: it never reaches the dead-letter queue.
    expect(redeliveries).toBeLessThanOrEqual(3);
    expect(seen.started).toBe(2);
    expect(seen.finished).toBe(1);
    expect(await results()).toContain(`results/${key}.png`);
    expect(await redis.exists(lockKey)).toBe(0);

    // The dead worker's composition fails late: nothing it does undoes the job.
    kill(new Error('the execution environment was frozen and never came back'));
    await dead;
    expect((await api(world, 'GET', `/compositions/${key}`)).body.status).toBe('ready');
    await world.queue.aws.deliver(world.queue.name, worker(), { now: clock + visibility });
    expect(seen.started).toBe(2);
  });
});

describe('Redis unavailable', () => {
  let proxy: FaultProxy;
  const redisPort = process.env.REDIS_PORT;

  beforeAll(async () => {
    proxy = await FaultProxy.start(`http://127.0.0.1:${redisPort}`);
    await clients.resetClients();
    process.env.REDIS_PORT = new URL(proxy.endpoint).port;
  });

  afterAll(async () => {
    process.env.REDIS_PORT = redisPort;
    await clients.resetClients();
    await proxy?.stop();
  });

  async function refusedWithNothingQueued(): Promise<void> {
    const depth = queueDepth();
    const placement = freshPlacement();
    const res = await compose(placement);
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(res.body.message).toBe('The composition cache is unavailable; nothing was queued, please try again shortly');
    expect(typeof res.body.requestId).toBe('string');
    expect(queueDepth()).toBe(depth);
    // Once Redis is back, the same request is a miss queued once: nothing of the refused one was kept.
    proxy.set('pass');
    const later = await compose(placement);
    expect(later.status).toBe(202);
    expect(queueDepth()).toBe(depth + 1);
    await world.settle();
  }

  test('a cold container that cannot connect: 503 with Retry-After, nothing queued', async () => {
    proxy.set('refuse');
    await refusedWithNothingQueued();
  });

  test('a connection that drops: 503 with Retry-After, nothing queued', async () => {
    proxy.set('pass');
    expect((await compose(freshPlacement())).status).toBe(202);
    await world.settle();
    proxy.set('refuse');
    await refusedWithNothingQueued();
  });
});
