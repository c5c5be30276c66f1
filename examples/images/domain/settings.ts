// Shared by the handlers, the system declaration (stacks and local run) and the tests; no imports,
// so a handler bundle does not load the CDK and the CDK app does not load the handler runtime.

/** Environment variables the stacks (and the local run) give the images functions. */
export const IMAGES_ENV = {
  /** The private bucket uploads land in (`originals/<kind>/<imageId>`). */
  ORIGINALS_BUCKET: 'ORIGINALS_BUCKET',
  /** The private bucket composed PNGs are written to (`results/<key>.png`). */
  RESULTS_BUCKET: 'RESULTS_BUCKET',
  /** The images table (one item per uploaded image). */
  IMAGES_TABLE: 'IMAGES_TABLE',
  /** The FIFO queue compositions are sent to. */
  COMPOSITIONS_QUEUE_URL: 'COMPOSITIONS_QUEUE_URL',
  /**
   * Where clients fetch both buckets' objects: the CloudFront distribution deployed, the local
   * origin locally. `${ASSETS_BASE_URL}/originals/...` and `${ASSETS_BASE_URL}/results/...`.
   */
  ASSETS_BASE_URL: 'ASSETS_BASE_URL',
  /** An S3 endpoint (s3rver in tests and the local run); unset in Lambda. */
  S3_ENDPOINT: 'S3_ENDPOINT',
  /**
   * Local runs and tests only: a prefix for every Redis key, so runs sharing one redis-server
   * never see each other's compositions; unset on AWS (each environment has its own cache).
   */
  CACHE_PREFIX: 'IMAGES_CACHE_PREFIX',
} as const;

/** The Redis keys of the system (RedisCache; the kit's client reads REDIS_HOST, REDIS_PORT, REDIS_TLS, REDIS_SECRET_ARN). */
export const REDIS_KEYS = {
  /** `composition:<key>` → JSON `{ status, url? }`. */
  composition: (key: string) => `composition:${key}`,
  /** `lock:<key>`: the worker composing `key` holds it, with an expiry. */
  lock: (key: string) => `lock:${key}`,
} as const;

/** The kinds of image people upload. */
export const IMAGE_KINDS = ['cat', 'hat'] as const;
export type ImageKind = typeof IMAGE_KINDS[number];

/** The content types an upload may declare, each with its file format. */
export const UPLOAD_CONTENT_TYPES = { 'image/png': 'png', 'image/jpeg': 'jpeg', 'image/webp': 'webp' } as const;
export type UploadContentType = keyof typeof UPLOAD_CONTENT_TYPES;
export type ImageFormat = typeof UPLOAD_CONTENT_TYPES[UploadContentType];

/** What an upload may be: checked when the URL is asked for, in the POST policy, and again on the stored object. */
export const UPLOAD_LIMITS = {
  /** Bytes of one upload (5 MiB). */
  maxBytes: 5 * 1024 * 1024,
  /** Width and height, each, in pixels. */
  maxDimension: 4096,
  /** Width x height: decompression bombs declare far more (a 30000 x 30000 PNG of a few KB). */
  maxPixels: 12_000_000,
  /** Minutes a presigned POST is valid. */
  urlMinutes: 5,
} as const;

/** How long what Redis remembers lives. */
export const CACHE_TTL = {
  /** A ready composition (its PNG stays in the results bucket; this is only the lookup). */
  readySeconds: 7 * 24 * 3600,
  /** A queued or failed composition's status. */
  pendingSeconds: 15 * 60,
  /**
   * The worker's lock: longer than one composition takes, shorter than the queue's visibility
   * timeout, so a message redelivered after a worker died finds the lock expired.
   */
  lockMs: 30_000,
} as const;
