import type { Redis } from 'ioredis';
import type { CompositionCache } from '../domain/compositions';
import { cacheUnavailable } from '../domain/errors';
import type { CompositionState } from '../domain/model';
import { CACHE_TTL, REDIS_KEYS } from '../domain/settings';

// Deletes the lock only if this worker still holds it (it may have expired and been taken over).
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/**
 * Redis as the domain's `CompositionCache`. Any Redis error (down, timed out, refused) becomes
 * `cacheUnavailable()`: the domain refuses the request (503) instead of guessing.
 */
export function redisCompositionCache(connect: () => Promise<Redis>, prefix = ''): CompositionCache {
  const compositionKey = (key: string) => `${prefix}${REDIS_KEYS.composition(key)}`;
  const lockKey = (key: string) => `${prefix}${REDIS_KEYS.lock(key)}`;
  const run = async <T>(fn: (redis: Redis) => Promise<T>): Promise<T> => {
    let redis: Redis;
    try {
      redis = await connect();
      return await fn(redis);
    } catch (error) {
      throw Object.assign(cacheUnavailable(), { cause: error });
    }
  };
  const put = (key: string, state: CompositionState, seconds: number) =>
    run((r) => r.set(compositionKey(key), JSON.stringify(state), 'EX', seconds));
  return {
    async get(key) {
      const raw = await run((r) => r.get(compositionKey(key)));
      return raw === null ? undefined : JSON.parse(raw) as CompositionState;
    },
    async markQueued(key) {
      await run((r) => r.set(compositionKey(key), JSON.stringify({ status: 'queued' } satisfies CompositionState), 'EX', CACHE_TTL.pendingSeconds, 'NX'));
    },
    async setReady(key, url) {
      await put(key, { status: 'ready', url }, CACHE_TTL.readySeconds);
    },
    async setFailed(key, reason) {
      await put(key, { status: 'failed', reason }, CACHE_TTL.pendingSeconds);
    },
    async acquireLock(key, owner, ttlMs) {
      return (await run((r) => r.set(lockKey(key), owner, 'PX', ttlMs, 'NX'))) === 'OK';
    },
    async releaseLock(key, owner) {
      await run((r) => r.eval(RELEASE, 1, lockKey(key), owner));
    },
  };
}
