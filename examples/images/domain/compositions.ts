import { noSuchComposition, Refusal } from './errors';
import { readyImage, sha256, type ImageStore, type OriginalsStore } from './images';
import type { CompositionJob, CompositionRequest, CompositionState, Placement } from './model';
import { compositionKey, normalisePlacement } from './placement';
import { UPLOAD_LIMITS } from './settings';
import { originalKey } from './upload-policy';

/** Compositions: `POST /compositions`, `GET /compositions/{key}` and the compose worker. */

/** What Redis remembers: `composition:<key>` and the worker's `lock:<key>`. Every method throws `cacheUnavailable()` when Redis is down. */
export interface CompositionCache {
  get(key: string): Promise<CompositionState | undefined>;
  /** Records `queued` unless the key already has a state. */
  markQueued(key: string): Promise<void>;
  setReady(key: string, url: string): Promise<void>;
  setFailed(key: string, reason: string): Promise<void>;
  /** `SET lock:<key> owner NX PX ttlMs`: whether `owner` holds the lock now. */
  acquireLock(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Deletes the lock if `owner` still holds it. */
  releaseLock(key: string, owner: string): Promise<void>;
}

/** The FIFO queue: `key` is the deduplication id and the message group. */
export interface CompositionQueue {
  send(job: CompositionJob): Promise<void>;
}

/** Composes the hat onto the cat (sharp, in storage/); answers the PNG. */
export interface Compositor {
  compose(cat: Uint8Array, hat: Uint8Array, placement: Placement): Promise<Uint8Array>;
}

export interface ResultsStore {
  write(key: string, png: Uint8Array): Promise<void>;
}

export interface RequestStores {
  readonly images: ImageStore;
  readonly cache: CompositionCache;
  readonly queue: CompositionQueue;
  readonly assetsBaseUrl: string;
}

export const resultKey = (key: string) => `results/${key}.png`;
export const resultUrl = (assetsBaseUrl: string, key: string) => `${assetsBaseUrl}/${resultKey(key)}`;
export const statusPath = (key: string) => `/compositions/${key}`;

export type CompositionAnswer =
  | { readonly key: string; readonly status: 'ready'; readonly url: string }
  | { readonly key: string; readonly status: 'queued'; readonly statusUrl: string };

/**
 * `POST /compositions`: both images must be ready and of their kinds; the key comes from their
 * versions and the normalised placement. Composed before: the URL at once. Otherwise the job is
 * sent to the FIFO queue with the key as deduplication id (equal requests within five minutes are
 * delivered once, and the worker does nothing for a key already composed) and `queued` answered.
 * The cache is asked first: when it is down the request is refused and nothing is sent.
 */
export async function requestComposition(stores: RequestStores, request: CompositionRequest): Promise<CompositionAnswer> {
  // Both are read at once, and a refusal names the first field that is wrong (catId before hatId),
  // whichever read answers first.
  const [catRead, hatRead] = await Promise.allSettled([
    readyImage(stores.images, 'catId', request.catId, 'cat'),
    readyImage(stores.images, 'hatId', request.hatId, 'hat'),
  ]);
  if (catRead.status === 'rejected') throw catRead.reason;
  if (hatRead.status === 'rejected') throw hatRead.reason;
  const [cat, hat] = [catRead.value, hatRead.value];
  const placement = normalisePlacement(request.placement);
  const key = compositionKey(cat.version, hat.version, placement);
  const state = await stores.cache.get(key);
  if (state?.status === 'ready') return { key, status: 'ready', url: resultUrl(stores.assetsBaseUrl, key) };
  if (state?.status === 'failed') {
    throw new Refusal('conflict', 'CompositionFailed', `This composition failed: ${state.reason ?? 'unknown reason'}; upload the images again`, { key });
  }
  await stores.cache.markQueued(key);
  const ref = (r: typeof cat) => ({ imageId: r.imageId, version: r.version, ...(r.s3VersionId ? { s3VersionId: r.s3VersionId } : {}) });
  await stores.queue.send({ key, cat: ref(cat), hat: ref(hat), placement });
  return { key, status: 'queued', statusUrl: statusPath(key) };
}

/** `GET /compositions/{key}`. */
export async function compositionStatus(stores: Pick<RequestStores, 'cache' | 'assetsBaseUrl'>, key: string) {
  const state = await stores.cache.get(key);
  if (!state) throw noSuchComposition(key);
  return state.status === 'ready'
    ? { key, status: state.status, url: resultUrl(stores.assetsBaseUrl, key) }
    : { key, status: state.status, ...(state.reason ? { reason: state.reason } : {}) };
}

export interface WorkerStores {
  readonly originals: OriginalsStore;
  readonly results: ResultsStore;
  readonly cache: CompositionCache;
  readonly compositor: Compositor;
  readonly assetsBaseUrl: string;
}

/**
 * What became of one job: `composed` (this worker ran the compositor), `done` (composed before),
 * `locked` (another worker holds the key's lock: deliver again later), `failed` (it never can be:
 * recorded, not retried).
 */
export type JobOutcome = 'composed' | 'done' | 'locked' | 'failed';

/**
 * The compose worker's work for one job, idempotent: a key composed before is not composed again;
 * the key's lock (expiring after `lockMs`, as long as the worker may run) keeps two deliveries
 * from composing at once, and when a worker dies holding it, the message's redelivery (after the
 * queue's visibility timeout, longer than the lock) composes. An error other than a permanent
 * refusal releases the lock and is thrown, so the message is delivered again.
 */
export async function runComposition(stores: WorkerStores, job: CompositionJob, options: { owner: string; lockMs: number }): Promise<JobOutcome> {
  if ((await stores.cache.get(job.key))?.status === 'ready') return 'done';
  if (!(await stores.cache.acquireLock(job.key, options.owner, options.lockMs))) return 'locked';
  try {
    // A worker may have finished between the first look and the lock.
    if ((await stores.cache.get(job.key))?.status === 'ready') return 'done';
    const [cat, hat] = await Promise.all([source(stores.originals, 'cat', job.cat), source(stores.originals, 'hat', job.hat)]);
    if (typeof cat === 'string' || typeof hat === 'string') {
      await stores.cache.setFailed(job.key, [cat, hat].filter((s) => typeof s === 'string').join('; '));
      return 'failed';
    }
    const png = await stores.compositor.compose(cat, hat, job.placement);
    await stores.results.write(job.key, png);
    await stores.cache.setReady(job.key, resultUrl(stores.assetsBaseUrl, job.key));
    return 'composed';
  } finally {
    await stores.cache.releaseLock(job.key, options.owner);
  }
}

/** An image's validated bytes, or why they are gone (permanent). */
async function source(originals: OriginalsStore, kind: 'cat' | 'hat', ref: CompositionJob['cat']): Promise<Uint8Array | string> {
  const stored = await originals.read(originalKey(kind, ref.imageId), UPLOAD_LIMITS.maxBytes, ref.s3VersionId);
  if (!stored) return `the ${kind} ${ref.imageId} is no longer stored`;
  if (sha256(stored.bytes) !== ref.version) return `the ${kind} ${ref.imageId} changed since it was validated`;
  return stored.bytes;
}
