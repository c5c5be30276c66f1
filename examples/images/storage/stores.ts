import { dynamoDb } from '@cdk-rampart/lambda-kit';
import { s3OriginalsStore, s3ResultsStore } from './buckets';
import { assetsBaseUrl, redisClient, s3Client, setting, sqsClient } from './clients';
import { redisCompositionCache } from './composition-cache';
import { sqsCompositionQueue } from './composition-queue';
import { dynamoDbImageStore } from './images-repository';
import type { RequestStores, WorkerStores } from '../domain/compositions';
import type { UploadStores } from '../domain/images';
import { IMAGES_ENV } from '../domain/settings';
import type { ImageProbe } from '../domain/upload-policy';

/** The stores each handler needs, from the environment (read on each call, so a test can point them elsewhere). */

export const imageStore = () => dynamoDbImageStore(dynamoDb(), setting(IMAGES_ENV.IMAGES_TABLE));
export const originalsStore = () => s3OriginalsStore(s3Client(), setting(IMAGES_ENV.ORIGINALS_BUCKET));
export const compositionCache = () => redisCompositionCache(redisClient, process.env[IMAGES_ENV.CACHE_PREFIX] ?? '');

/** Uploads need the decoder (sharp) only to complete one: passed in, so the other routes do not load it. */
export function uploadStores(decoder: ImageProbe): UploadStores {
  return { images: imageStore(), originals: originalsStore(), decoder, assetsBaseUrl: assetsBaseUrl() };
}

export function requestStores(): RequestStores {
  return {
    images: imageStore(),
    cache: compositionCache(),
    queue: sqsCompositionQueue(sqsClient(), setting(IMAGES_ENV.COMPOSITIONS_QUEUE_URL)),
    assetsBaseUrl: assetsBaseUrl(),
  };
}

export function workerStores(compositor: WorkerStores['compositor']): WorkerStores {
  return {
    originals: originalsStore(),
    results: s3ResultsStore(s3Client(), setting(IMAGES_ENV.RESULTS_BUCKET)),
    cache: compositionCache(),
    compositor,
    assetsBaseUrl: assetsBaseUrl(),
  };
}
