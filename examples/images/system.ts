import { Duration } from 'aws-cdk-lib';
import { CACHE_TTL, IMAGE_KINDS, IMAGES_ENV, UPLOAD_LIMITS } from './domain/settings';
import { HttpMethod, RouteAuthorization } from '../../src/api';
import type { ExampleRoute } from '../shared/stack';

/**
 * The cat-and-hat compositor, declared once: its buckets, table, queue, cache, routes and worker.
 * The stacks, the local run (local-world.ts) and the tests all read this, so what is tested is
 * what is deployed.
 */

/** A private bucket of the system. */
export interface ImagesBucketSpec {
  /** The environment variable its name is given in. */
  readonly envName: string;
  /** The key prefix its objects live under (also the CloudFront path: `/<prefix>/*`). */
  readonly prefix: string;
  /** Keep every version of an object (uploads may be replaced). */
  readonly versioned: boolean;
  /** Days a noncurrent version is kept before lifecycle expires it; none when absent. */
  readonly noncurrentVersionExpirationDays?: number;
  /** What it holds. */
  readonly description: string;
}

/** A DynamoDB table of the system (string keys). */
export interface ImagesTableSpec {
  readonly envName: string;
  readonly partitionKey: string;
  /** @default - none */
  readonly sortKey?: string;
  /** Global secondary indexes, every key a string, every attribute projected. @default - none */
  readonly globalSecondaryIndexes?: readonly { readonly indexName: string; readonly partitionKey: string; readonly sortKey?: string }[];
}

/** A worker: a function fed by a queue, not behind the API. */
export interface ImagesWorkerSpec {
  /** File name in handlers/, without `.ts`. */
  readonly handlerName: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  /** Messages per invocation (a FIFO queue allows 1 to 10). */
  readonly batchSize: number;
  /** Lambda layers (`IMAGES_SYSTEM.layers`) the function needs. */
  readonly layers: readonly string[];
}

/** A Lambda layer built by `npx projen examples:build` (never at synth). */
export interface ImagesLayerSpec {
  /** The layer's folder below the repository root (`nodejs/node_modules/...` inside). */
  readonly directory: string;
  /** What it carries. */
  readonly description: string;
  /** The one architecture its native code runs on. */
  readonly architecture: 'arm64';
}

/** Every route needs the API key (per environment and user on AWS; the local run's own key locally). */
const API_KEY = { authorization: RouteAuthorization.NONE, apiKeyRequired: true } as const;

/**
 * The routes by name (`IMAGES_SYSTEM.routes.compose`). The order is the API's (Route0, Route1,
 * ...): append, do not sort.
 */
const ROUTES = {
  /** A presigned POST for one upload: content-type allow list and size cap in its policy. */
  upload: { method: HttpMethod.POST, path: '/uploads', handlerName: 'post-upload', ...API_KEY },
  /** The upload is in the bucket: validated (format by magic bytes, dimensions, pixel count), then listed; refused and deleted otherwise. */
  completeUpload: {
    method: HttpMethod.POST,
    path: '/images/{imageId}/complete',
    handlerName: 'post-image-complete',
    ...API_KEY,
    // Reads and decodes the upload with sharp (the layer below).
    functionOptions: { memorySize: 1024, timeout: Duration.seconds(15) },
  },
  /** The gallery: the ready images of one kind. */
  listImages: { method: HttpMethod.GET, path: '/images', handlerName: 'get-images', ...API_KEY },
  /** A cat with a hat: 200 with the URL when composed before, 202 and queued once otherwise. */
  compose: { method: HttpMethod.POST, path: '/compositions', handlerName: 'post-composition', ...API_KEY },
  /** Where a composition is: queued, ready (with its URL) or failed. */
  compositionStatus: { method: HttpMethod.GET, path: '/compositions/{key}', handlerName: 'get-composition', ...API_KEY },
} satisfies Record<string, ExampleRoute>;

export const IMAGES_SYSTEM = {
  /** The example's name: its folder under examples/ and build/examples/. */
  example: 'images',
  /** The API stage. */
  stageName: 'v1',
  imageKinds: IMAGE_KINDS,
  buckets: {
    originals: {
      envName: IMAGES_ENV.ORIGINALS_BUCKET,
      prefix: 'originals',
      versioned: true,
      noncurrentVersionExpirationDays: 30,
      description: 'Uploaded cats and hats (originals/<kind>/<imageId>), written by presigned POSTs only',
    } satisfies ImagesBucketSpec,
    results: {
      envName: IMAGES_ENV.RESULTS_BUCKET,
      prefix: 'results',
      versioned: false,
      description: 'Composed PNGs (results/<key>.png), written by the compose worker only',
    } satisfies ImagesBucketSpec,
  },
  tables: {
    /**
     * One item per image: `{ imageId, kind, version, status: pending|ready, width, height, format,
     * contentType, createdAt }`; `byKind` lists a kind's images newest first.
     */
    images: {
      envName: IMAGES_ENV.IMAGES_TABLE,
      partitionKey: 'imageId',
      globalSecondaryIndexes: [{ indexName: 'byKind', partitionKey: 'kind', sortKey: 'createdAt' }],
    } satisfies ImagesTableSpec,
  },
  queues: {
    /**
     * A FIFO WorkQueue: the composition key is both the MessageDeduplicationId (a request repeated
     * within five minutes is delivered once) and the MessageGroupId (one key is never composed by
     * two workers at once; different keys proceed in parallel).
     */
    compositions: { envName: IMAGES_ENV.COMPOSITIONS_QUEUE_URL, fifo: true, contentBasedDeduplication: false, maxReceiveCount: 5 },
  },
  cache: {
    /** What RedisCache.clientEnvironment() sets and the kit's Redis client reads. */
    environment: ['REDIS_HOST', 'REDIS_PORT', 'REDIS_TLS', 'REDIS_SECRET_ARN'],
    keys: { composition: 'composition:<key>', lock: 'lock:<key>' },
    ttl: CACHE_TTL,
  },
  workers: {
    /** Composes a hat onto a cat with sharp, writes results/<key>.png, records composition:<key>. */
    compose: {
      handlerName: 'compose',
      memorySize: 1024,
      // The lock (CACHE_TTL.lockMs) is as long as this, so it never expires under a live worker.
      timeout: Duration.millis(CACHE_TTL.lockMs),
      batchSize: 5,
      layers: ['sharp'],
    } satisfies ImagesWorkerSpec,
  },
  layers: {
    sharp: {
      directory: 'build/examples/images/layers/sharp',
      description: 'sharp 0.35.5 with its linux-arm64 build (@img/sharp-linux-arm64, @img/sharp-libvips-linux-arm64)',
      architecture: 'arm64',
    } satisfies ImagesLayerSpec,
  },
  /** Which routes load sharp (from the layer; kept out of their bundles). */
  sharpFunctions: ['post-image-complete', 'compose'],
  uploadLimits: UPLOAD_LIMITS,
  routes: ROUTES,
  /** The same routes as the list the API is built from. */
  routeList: Object.values(ROUTES) as ExampleRoute[],
} as const;
