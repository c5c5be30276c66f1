import { randomBytes } from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutBucketCorsCommand, S3Client } from '@aws-sdk/client-s3';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { IMAGES_ENV } from './domain/settings';
import { IMAGES_SYSTEM } from './system';
import { engine as dynamoDbLocal } from '../../tools/engines/dynamodb-local';
import { engine as redisEngine } from '../../tools/engines/redis';
import { engine as s3rverEngine } from '../../tools/engines/s3rver';
import { LocalAws, LocalCleanups, localEngines, setLocalProcessEnvironment, startLocal, type LocalExample } from '../shared/local-run';

/**
 * The compositor on 127.0.0.1: DynamoDB Local (the images table), redis-server (the composition
 * cache and locks), s3rver (the originals and results buckets, CORS open to browsers' POSTs), a
 * FIFO queue stand-in (LocalAws: deduplication by MessageDeduplicationId for five minutes, one
 * message of a group in flight at a time) that delivers to the real compose worker as the event
 * source mapping does, the API answered by the real handlers (examples/shared/local-run), and the
 * buckets' objects served below `assetsBaseUrl` with the CloudFront paths (`/originals/...`,
 * `/results/...`). The one-command local run (local.ts) and the tests start it here.
 */

export interface ImagesWorldOptions {
  /** The API's port; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** The assets origin's port; 0 picks a free one. @default 0 */
  readonly assetsPort?: number;
  /**
   * Use the engines the environment names (DYNAMODB_ENDPOINT, REDIS_HOST/REDIS_PORT/REDIS_PASSWORD,
   * S3_ENDPOINT: what the test setup publishes) instead of starting them. What this run creates in
   * them (a table, two buckets, its Redis keys) is removed on stop.
   *
   * @default false
   */
  readonly useRunningEngines?: boolean;
  /** The API key (`x-api-key`). @default - a random key */
  readonly apiKey?: string;
  /** Origins whose pages may POST uploads to the originals bucket. @default ['*'] */
  readonly uploadOrigins?: string[];
  /** How often the worker looks at the queue, in ms. @default 50 */
  readonly pollMs?: number;
  /** Batches the worker handles at once (as concurrent invocations would; each batch is one message group at least). @default 2 */
  readonly workerConcurrency?: number;
  /** Run the compose worker on the queue. Off: messages stay queued until `deliver()`. @default true */
  readonly worker?: boolean;
  /** Print the URLs. @default true */
  readonly log?: boolean;
}

export interface ImagesWorld {
  /** The API, e.g. `http://127.0.0.1:41234/v1`. */
  readonly apiUrl: string;
  /** Sent as `x-api-key` on every request. */
  readonly apiKey: string;
  /** Where the buckets' objects are served (`/originals/...`, `/results/...`), no trailing slash. */
  readonly assetsBaseUrl: string;
  /** The S3 endpoint (s3rver) uploads are posted to. */
  readonly s3Endpoint: string;
  readonly buckets: { readonly originals: string; readonly results: string };
  readonly tableName: string;
  /** The queue stand-in and the compositions queue's name in it. */
  readonly queue: { readonly aws: LocalAws; readonly name: string };
  /** The running API (its URL, tables, engine processes). */
  readonly local: LocalExample;
  /** Deliver what is visible on the queue to the worker now (`now` moves the clock for visibility timeouts); answers how many messages. */
  deliver(options?: { now?: number }): Promise<number>;
  /** Wait until the queue holds no visible message and no delivery is running. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

/** Serves GET/HEAD `/<prefix>/...` from the bucket holding that prefix, as the distribution's behaviours do. */
function assetsServer(s3: S3Client, buckets: Record<string, string>): http.Server {
  return http.createServer((req, res) => {
    void (async () => {
      const { pathname } = new URL(req.url ?? '/', 'http://localhost');
      const key = decodeURIComponent(pathname.slice(1));
      const bucket = buckets[key.split('/')[0]];
      if ((req.method !== 'GET' && req.method !== 'HEAD') || !bucket || key.includes('..')) {
        res.writeHead(req.method === 'GET' || req.method === 'HEAD' ? 404 : 405, { 'content-type': 'text/plain' });
        res.end('Not found\n');
        return;
      }
      try {
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const body = Buffer.from(await object.Body!.transformToByteArray());
        res.writeHead(200, {
          'content-type': object.ContentType ?? 'application/octet-stream',
          'content-length': body.length,
          'cache-control': object.CacheControl ?? 'no-store',
          'x-content-type-options': 'nosniff',
          'cross-origin-resource-policy': 'cross-origin',
        });
        res.end(req.method === 'HEAD' ? undefined : body);
      } catch (error) {
        const missing = ['NoSuchKey', 'NotFound'].includes((error as Error).name);
        res.writeHead(missing ? 404 : 502, { 'content-type': 'text/plain' });
        res.end(missing ? 'Not found\n' : 'The bucket did not answer\n');
      }
    })();
  });
}

function listen(server: http.Server, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

/** Start the compositor locally. */
export async function startImagesWorld(options: ImagesWorldOptions = {}): Promise<ImagesWorld> {
  const log = options.log ?? true;
  const cleanups = new LocalCleanups('images');
  try {
    setLocalProcessEnvironment({ log, service: 'images' });

    // The engines: the environment's (tests), or started here (and stopped on stop).
    const env = await localEngines([dynamoDbLocal, redisEngine, s3rverEngine], options.useRunningEngines ?? false, cleanups);
    const s3Endpoint = env('S3_ENDPOINT');
    const suffix = `${process.pid}-${randomBytes(3).toString('hex')}`;
    const cachePrefix = `images-${suffix}:`;

    // The buckets (s3rver), the uploads' CORS rule on the originals bucket.
    const s3 = new S3Client({ endpoint: s3Endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    cleanups.push(async () => s3.destroy());
    const buckets = { originals: `images-originals-${suffix}`, results: `images-results-${suffix}` };
    for (const bucket of Object.values(buckets)) {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      cleanups.push(async () => {
        const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
        const keys = (listed.Contents ?? []).map((o) => ({ Key: o.Key! }));
        if (keys.length > 0) await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
        await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
      });
    }
    await s3.send(new PutBucketCorsCommand({
      Bucket: buckets.originals,
      CORSConfiguration: { CORSRules: [{ AllowedMethods: ['POST'], AllowedOrigins: options.uploadOrigins ?? ['*'], AllowedHeaders: ['*'], MaxAgeSeconds: 600 }] },
    }));

    // The queue stand-in (SQS JSON protocol; the handlers' SDK reaches it through AWS_ENDPOINT_URL_SQS).
    const aws = await LocalAws.start();
    cleanups.push(() => aws.stop());
    const queueName = `images-compositions-${suffix}.fifo`;
    const { compositions } = IMAGES_SYSTEM.queues;
    aws.createQueue(`images-compositions-${suffix}-dlq.fifo`, { fifo: true });
    const queueUrl = aws.createQueue(queueName, {
      fifo: true,
      contentBasedDeduplication: compositions.contentBasedDeduplication,
      maxReceiveCount: compositions.maxReceiveCount,
      deadLetterQueue: `images-compositions-${suffix}-dlq.fifo`,
      // As WorkQueue.addConsumer derives it: six times the worker's timeout.
      visibilityTimeoutSeconds: 6 * IMAGES_SYSTEM.workers.compose.timeout.toSeconds(),
    });

    // The assets origin (the distribution's two behaviours).
    const { originals, results } = IMAGES_SYSTEM.buckets;
    const assets = assetsServer(s3, { [originals.prefix]: buckets.originals, [results.prefix]: buckets.results });
    const assetsBaseUrl = await listen(assets, options.assetsPort ?? 0);
    cleanups.push(() => new Promise<void>((resolve) => { assets.close(() => resolve()); assets.closeAllConnections(); }));

    // The API, its table created on DynamoDB Local before the handlers load.
    const local = await startLocal({
      example: IMAGES_SYSTEM.example,
      routes: IMAGES_SYSTEM.routeList,
      stageName: IMAGES_SYSTEM.stageName,
      tables: [IMAGES_SYSTEM.tables.images],
      environment: {
        ...aws.env(),
        [IMAGES_ENV.S3_ENDPOINT]: s3Endpoint,
        [IMAGES_SYSTEM.buckets.originals.envName]: buckets.originals,
        [IMAGES_SYSTEM.buckets.results.envName]: buckets.results,
        [compositions.envName]: queueUrl,
        [IMAGES_ENV.ASSETS_BASE_URL]: assetsBaseUrl,
        REDIS_HOST: env('REDIS_HOST'),
        REDIS_PORT: env('REDIS_PORT'),
        REDIS_PASSWORD: env('REDIS_PASSWORD'),
        REDIS_TLS: 'false',
        [IMAGES_ENV.CACHE_PREFIX]: cachePrefix,
      },
      port: options.port,
      dynamoDbEndpoint: env('DYNAMODB_ENDPOINT'),
      apiKey: options.apiKey,
      pages: false,
      log: false,
    });
    cleanups.push(() => local.stop());
    const tableName = local.tables[IMAGES_SYSTEM.tables.images.envName];

    // What this run left in Redis (its keys carry its prefix), then the handlers' connection.
    cleanups.push(async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the handlers' client, loaded with them
      const clients = require('./storage/clients') as typeof import('./storage/clients');
      const redis = await clients.redisClient().catch(() => undefined);
      if (redis) {
        const keys: string[] = [];
        for await (const batch of redis.scanStream({ match: `${cachePrefix}*`, count: 500 })) keys.push(...batch as string[]);
        if (keys.length > 0) await redis.del(...keys);
      }
      await clients.resetClients();
    });

    // The compose worker, fed from the queue as the event source mapping feeds it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded once its environment is set
    const worker = (require(`./handlers/${IMAGES_SYSTEM.workers.compose.handlerName}`) as { handler: SqsHandler }).handler;
    const batchSize = IMAGES_SYSTEM.workers.compose.batchSize;
    const running = new Set<Promise<number>>();
    const deliver = (opts: { now?: number } = {}) => {
      const delivery = aws.deliver(queueName, worker, { batchSize, now: opts.now }).catch((e) => {
        console.error('[images] worker:', e);
        return 0;
      });
      running.add(delivery);
      void delivery.finally(() => running.delete(delivery));
      return delivery;
    };
    let timer: NodeJS.Timeout | undefined;
    if (options.worker ?? true) {
      const concurrency = options.workerConcurrency ?? 2;
      timer = setInterval(() => {
        // Start deliveries while there are free slots; each takes what is visible (other groups than the running ones).
        if (running.size < concurrency) void deliver().then((n) => { if (n > 0 && running.size < concurrency) void deliver(); });
      }, options.pollMs ?? 50);
    }
    cleanups.push(async () => { clearInterval(timer); await Promise.all(running); });
    const settle = async () => {
      for (;;) {
        await Promise.all(running);
        if ((await deliver()) === 0 && running.size === 0) return;
      }
    };

    if (log) {
      console.log([
        'The cat-and-hat compositor is running locally',
        `  API:     ${local.apiUrl}  (x-api-key: ${local.apiKey})`,
        `  Assets:  ${assetsBaseUrl}/originals/..., ${assetsBaseUrl}/results/...`,
        `  S3:      ${s3Endpoint}  (buckets ${buckets.originals}, ${buckets.results})`,
        `  Queue:   ${queueUrl}  (FIFO, delivered to the compose worker)`,
        'Press Ctrl-C to stop.',
      ].join('\n'));
    }

    return {
      apiUrl: local.apiUrl,
      apiKey: local.apiKey,
      assetsBaseUrl,
      s3Endpoint,
      buckets,
      tableName,
      queue: { aws, name: queueName },
      local,
      deliver,
      settle,
      stop: () => cleanups.stop(),
    };
  } catch (error) {
    await cleanups.run();
    throw error;
  }
}
