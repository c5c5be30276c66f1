import { randomUUID } from 'crypto';
import { Redis } from 'ioredis';

export interface ComputeOnceOptions {
  /** How long the result stays cached, in seconds. */
  readonly resultTtlSeconds: number;
  /**
   * How long the lock protects one worker, in ms. When a worker dies, others take over after this.
   * Must be longer than the work takes.
   *
   * @default 30000
   */
  readonly lockTtlMs?: number;
  /** How long a caller waits for another worker's result before giving up, in ms. @default 60000 */
  readonly waitTimeoutMs?: number;
  /** How often a waiting caller looks for the result, in ms. @default 50 */
  readonly pollMs?: number;
}

export interface ComputeOnceResult {
  readonly value: string;
  /** True for the one caller that did the work; false when the value came from the cache or another worker. */
  readonly computed: boolean;
}

export class ComputeOnceTimeoutError extends Error {}

// Deletes the lock only if this worker still holds it (it may have expired and been taken over).
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/**
 * Returns the value cached at `key`, or computes it once across every caller of every container:
 * one caller takes a lock (`SET lock NX PX`), does the work and stores the result; the others wait
 * for that result. If the worker dies, its lock expires and the next caller does the work. If the
 * work throws, the lock is released and the error goes to that caller; waiting callers retry.
 */
export async function computeOnce(
  redis: Redis,
  key: string,
  work: () => Promise<string>,
  options: ComputeOnceOptions,
): Promise<ComputeOnceResult> {
  const lockTtlMs = options.lockTtlMs ?? 30_000;
  const waitTimeoutMs = options.waitTimeoutMs ?? 60_000;
  const pollMs = options.pollMs ?? 50;
  const lockKey = `${key}:lock`;
  const deadline = Date.now() + waitTimeoutMs;

  while (true) {
    const cached = await redis.get(key);
    if (cached !== null) return { value: cached, computed: false };

    const owner = randomUUID();
    if (await redis.set(lockKey, owner, 'PX', lockTtlMs, 'NX') === 'OK') {
      try {
        // Someone may have finished between our GET and our SET NX.
        const late = await redis.get(key);
        if (late !== null) return { value: late, computed: false };
        const value = await work();
        await redis.set(key, value, 'EX', options.resultTtlSeconds);
        return { value, computed: true };
      } finally {
        await redis.eval(RELEASE, 1, lockKey, owner);
      }
    }

    if (Date.now() >= deadline) {
      throw new ComputeOnceTimeoutError(`computeOnce: no result for '${key}' after ${waitTimeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
