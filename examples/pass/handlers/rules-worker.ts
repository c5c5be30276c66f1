import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger, metrics } from '@cdk-rampart/lambda-kit';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { processApplication } from '../domain/approval';
import { loadRules, loadSigningKey } from '../domain/rules';
import { storeFromEnv } from '../storage/table';

const Message = z.object({ passId: z.string().min(1).max(40) });
const processor = new BatchProcessor(EventType.SQS);

async function recordHandler(record: SQSRecord): Promise<void> {
  // A message that is not ours fails every time: it goes to the dead-letter queue for a person to see.
  const { passId } = Message.parse(JSON.parse(record.body));
  const [rules, key] = await Promise.all([loadRules(), loadSigningKey()]);
  const outcome = await processApplication(storeFromEnv(), rules, key, passId);
  logger.info('Application processed', { ...outcome, messageId: record.messageId, receiveCount: record.attributes?.ApproximateReceiveCount });
  // The service dashboard: automatic approvals and rejections, and applications sent to a reviewer.
  const metric = ({ 'approved': 'PassesApproved', 'rejected': 'PassesRejected', 'needs-review': 'ReviewsQueued' } as Record<string, string | undefined>)[outcome.result];
  if (metric) metrics.addMetric(metric, MetricUnit.Count, 1);
}

/**
 * The rules worker: an SQS batch (up to 10 applications). Each message is processed on its own;
 * failures are reported as partial batch failures, so only those messages come back (and after
 * the queue's maxReceiveCount go to the dead-letter queue), never the whole batch.
 */
export const handler = async (event: SQSEvent, context: Context) => {
  logger.addContext(context);
  try {
    return await processPartialResponse(event, recordHandler, processor, { context });
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
};
