import { randomUUID } from 'crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger, metrics } from '@cdk-rampart/lambda-kit';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { runComposition } from '../domain/compositions';
import { CompositionJob } from '../domain/model';
import { CACHE_TTL } from '../domain/settings';
import { sharpCompositor } from '../storage/sharp-codec';
import { workerStores } from '../storage/stores';

/** The environment variable that shortens the lock (tests of a dead worker); the stacks set none. */
export const LOCK_MS_ENV = 'IMAGES_LOCK_MS';

/** The composition duration (the monitoring stack's p99). */
export const COMPOSITION_DURATION_METRIC = 'CompositionDuration';

/**
 * The compose worker (the FIFO compositions queue, a batch at a time): each job composed once
 * (`runComposition`), its PNG written to results/<key>.png and `composition:<key>` recorded. A
 * job whose key another worker holds, or whose composition failed for a reason that may pass (S3,
 * Redis), is reported as a batch item failure, so that message (and the rest of its group) is
 * delivered again; a body that is not a job is logged and dropped (it never will be one).
 */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const lockMs = Number(process.env[LOCK_MS_ENV]) > 0 ? Number(process.env[LOCK_MS_ENV]) : CACHE_TTL.lockMs;
  const stores = workerStores(sharpCompositor);
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  try {
    for (const record of event.Records) {
      // FIFO: once one message of a batch is not done, the later ones wait for its redelivery too.
      if (failures.length > 0) {
        failures.push({ itemIdentifier: record.messageId });
        continue;
      }
      let job: CompositionJob;
      try {
        job = CompositionJob.parse(JSON.parse(record.body));
      } catch (error) {
        logger.error('Not a composition job: dropped', { messageId: record.messageId, error: (error as Error).message });
        metrics.addMetric('InvalidCompositionJob', MetricUnit.Count, 1);
        continue;
      }
      const started = Date.now();
      try {
        const outcome = await runComposition(stores, job, { owner: `${record.messageId}:${randomUUID()}`, lockMs });
        logger.info('Composition job', { key: job.key, outcome });
        if (outcome === 'composed') metrics.addMetric(COMPOSITION_DURATION_METRIC, MetricUnit.Milliseconds, Date.now() - started);
        if (outcome === 'failed') metrics.addMetric('CompositionFailed', MetricUnit.Count, 1);
        if (outcome === 'locked') failures.push({ itemIdentifier: record.messageId });
      } catch (error) {
        logger.warn('Composition job not done; it will be delivered again', { key: job.key, error: error as Error });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
  return { batchItemFailures: failures };
}
