import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics } from '@cdk-rampart/lambda-kit';
import { imagesApi } from './http/route';
import { requestComposition, type CompositionAnswer } from '../domain/compositions';
import { CompositionRequest } from '../domain/model';
import { requestStores } from '../storage/stores';

/** The cache hit ratio's two counts (the monitoring stack divides them). */
export const CACHE_METRICS = { hit: 'CompositionCacheHit', miss: 'CompositionCacheMiss' } as const;

/**
 * `POST /compositions` `{ catId, hatId, placement }`: 200 `{ key, status: 'ready', url }` when
 * composed before, 202 `{ key, status: 'queued', statusUrl }` otherwise (sent to the queue once
 * per key and five minutes); 503 with Retry-After and nothing sent when the cache is down.
 */
export const handler = imagesApi({
  body: CompositionRequest,
  statusOf: (answer: CompositionAnswer) => (answer.status === 'ready' ? 200 : 202),
  handle: async ({ body }) => {
    const answer = await requestComposition(requestStores(), body);
    metrics.addMetric(answer.status === 'ready' ? CACHE_METRICS.hit : CACHE_METRICS.miss, MetricUnit.Count, 1);
    return answer;
  },
});
