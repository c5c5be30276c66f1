import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics } from '@cdk-rampart/lambda-kit';
import * as z from 'zod';
import { passApi } from './http/route';
import { reviewQueue } from '../domain/passes';
import { storeFromEnv } from '../storage/table';

/** `GET /review-queue` (reviewer): up to 50 passes waiting for a decision, oldest first. */
export const handler = passApi({
  body: z.undefined({ error: 'This route takes no body' }),
  handle: async () => {
    const passes = await reviewQueue(storeFromEnv());
    metrics.addMetric('ReviewQueueDepth', MetricUnit.Count, passes.length); // as a reviewer sees it (up to 50)
    return { passes };
  },
});
