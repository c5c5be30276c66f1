import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { bounded, sdkClientConfig, tracer } from '@cdk-rampart/lambda-kit';
import { createRedisClient } from '@cdk-rampart/lambda-kit/redis';
import type { Redis } from 'ioredis';
import { IMAGES_ENV } from '../domain/settings';

/** A setting from the environment (set by the stack, or the local run). */
export function setting(envName: string): string {
  const value = process.env[envName];
  if (!value) throw new Error(`${envName} is not set`);
  return value;
}

/** Where clients fetch objects, without a trailing slash. */
export const assetsBaseUrl = () => setting(IMAGES_ENV.ASSETS_BASE_URL).replace(/\/+$/, '');

let s3: S3Client | undefined;

/**
 * One traced S3 client per container, bounded like every AWS client of the handlers.
 * `S3_ENDPOINT` points it at s3rver (path-style; checksums only where S3 requires them, as
 * s3rver checks no others).
 */
export function s3Client(): S3Client {
  if (!s3) {
    const endpoint = process.env[IMAGES_ENV.S3_ENDPOINT];
    const local = endpoint ? { forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } as const : {};
    s3 = tracer.captureAWSv3Client(bounded(new S3Client({ ...sdkClientConfig(endpoint), ...local })));
  }
  return s3;
}

let sqs: SQSClient | undefined;

/** One traced SQS client per container (`AWS_ENDPOINT_URL_SQS` locally). */
export function sqsClient(): SQSClient {
  sqs ??= tracer.captureAWSv3Client(bounded(new SQSClient(sdkClientConfig())));
  return sqs;
}

let redis: Promise<Redis> | undefined;

/**
 * One Redis connection per container (the kit's client: TLS and the AUTH token from the
 * secret on AWS, the password locally). A failed connection is forgotten, so the next request
 * tries again instead of failing forever.
 */
export function redisClient(): Promise<Redis> {
  if (!redis) {
    redis = createRedisClient();
    redis.catch(() => { redis = undefined; });
  }
  return redis;
}

/** Forget the clients (tests that restart an engine, or point the handlers elsewhere). */
export async function resetClients(): Promise<void> {
  const r = redis;
  redis = undefined;
  s3 = undefined;
  sqs = undefined;
  if (r) (await r.catch(() => undefined))?.disconnect();
}
