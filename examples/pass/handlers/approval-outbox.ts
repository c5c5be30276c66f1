import { logger } from '@cdk-rampart/lambda-kit';
import type { Context, DynamoDBStreamEvent, ScheduledEvent } from 'aws-lambda';
import { approvalQueue } from '../domain/clients';
import { relayNewPasses, sweepStalePending } from '../domain/outbox';
import { placementFromEnv } from '../domain/regions';
import { storeFromEnv } from '../storage/table';

/**
 * The approval queue's outbox (see domain/outbox.ts), one function for its two triggers:
 * - the pass table's stream (INSERT records of pending passes): each new pass is queued for the rules
 *   worker; a pass the queue refuses is a partial batch failure, so the stream retries it;
 * - a schedule: passes pending longer than five minutes are queued again.
 */
export const handler = async (event: DynamoDBStreamEvent | ScheduledEvent, context: Context) => {
  logger.addContext(context);
  if ('Records' in event) {
    const failed = await relayNewPasses(approvalQueue(), event.Records, placementFromEnv());
    if (failed.length > 0) logger.warn('The approval queue refused new passes; the stream retries them', { failed: failed.length });
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  }
  const queued = await sweepStalePending(storeFromEnv(), approvalQueue());
  logger.info('Stale pending passes queued again', { queued });
  return { queued };
};
