import { randomUUID } from 'crypto';
import { Redis } from 'ioredis';
import { computeOnce, ComputeOnceTimeoutError, createRedisClient } from '../../src/redis';

const config = { host: process.env.REDIS_HOST!, port: Number(process.env.REDIS_PORT), tls: false, password: process.env.REDIS_PASSWORD! };
const N = 20;
let clients: Redis[] = [];

beforeAll(async () => {
  // One connection per caller, as separate Lambda containers would have.
  clients = await Promise.all(Array.from({ length: N }, () => createRedisClient(config)));
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit()));
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('computeOnce (SET NX lock + wait for the result)', () => {
  test(`${N} parallel callers: the work runs once and every caller gets its result`, async () => {
    const key = `combo:${randomUUID()}`;
    let runs = 0;
    const work = async () => { runs += 1; await sleep(200); return `image-${runs}`; };
    const results = await Promise.all(clients.map((c) => computeOnce(c, key, work, { resultTtlSeconds: 60 })));
    expect(runs).toBe(1);
    expect(new Set(results.map((r) => r.value))).toEqual(new Set(['image-1']));
    expect(results.filter((r) => r.computed)).toHaveLength(1);
    expect(await clients[0].get(key)).toBe('image-1');
    expect(await clients[0].ttl(key)).toBeGreaterThan(50);
    expect(await clients[0].exists(`${key}:lock`)).toBe(0);
  });

  test('a cached result is returned without running the work', async () => {
    const key = `combo:${randomUUID()}`;
    await clients[0].set(key, 'done', 'EX', 60);
    const work = jest.fn(async () => 'again');
    expect(await computeOnce(clients[1], key, work, { resultTtlSeconds: 60 })).toEqual({ value: 'done', computed: false });
    expect(work).not.toHaveBeenCalled();
  });

  test('a worker that died holding the lock: the lock expires and the next caller does the work', async () => {
    const key = `combo:${randomUUID()}`;
    // The dead worker's lock, as SET NX PX left it. The clock starts before the SET: the lock
    // expires 300 ms after Redis applies it, which is never before this point, however slow the reply.
    const started = Date.now();
    await clients[0].set(`${key}:lock`, 'dead-worker', 'PX', 300, 'NX');
    const result = await computeOnce(clients[1], key, async () => 'recovered', { resultTtlSeconds: 60, lockTtlMs: 5_000 });
    expect(result).toEqual({ value: 'recovered', computed: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  test('work that throws releases the lock; the error reaches its caller and a waiting caller takes over', async () => {
    const key = `combo:${randomUUID()}`;
    const failing = computeOnce(clients[0], key, async () => { await sleep(100); throw new Error('compose failed'); }, { resultTtlSeconds: 60 });
    await sleep(20);
    const waiting = computeOnce(clients[1], key, async () => 'second try', { resultTtlSeconds: 60 });
    await expect(failing).rejects.toThrow('compose failed');
    expect(await waiting).toEqual({ value: 'second try', computed: true });
  });

  test('a worker whose lock expired does not delete the lock of the worker that took over', async () => {
    const key = `combo:${randomUUID()}`;
    const slow = computeOnce(clients[0], key, async () => { await sleep(300); return 'slow'; }, { resultTtlSeconds: 60, lockTtlMs: 100 });
    await sleep(150); // the slow worker's lock has expired
    const second = computeOnce(clients[1], key, async () => { await sleep(300); return 'fast'; }, { resultTtlSeconds: 60, lockTtlMs: 5_000 });
    await sleep(200); // slow finishes and releases: it must not remove the second worker's lock
    expect(await clients[2].get(`${key}:lock`)).not.toBeNull();
    await Promise.all([slow, second]);
  });

  test('a waiting caller gives up after waitTimeoutMs with a typed error', async () => {
    const key = `combo:${randomUUID()}`;
    await clients[0].set(`${key}:lock`, 'busy', 'PX', 10_000);
    await expect(computeOnce(clients[1], key, async () => 'never', { resultTtlSeconds: 60, waitTimeoutMs: 200 }))
      .rejects.toThrow(ComputeOnceTimeoutError);
  });
});
