import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { logger } from '@cdk-rampart/lambda-kit';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { eventSink } from '../domain/clients';
import { recordEvent } from '../domain/stats';
import { storeFromEnv } from '../storage/table';

const processor = new BatchProcessor(EventType.DynamoDBStreams);

async function recordHandler(record: DynamoDBRecord): Promise<void> {
  await recordEvent(storeFromEnv(), eventSink(), record);
}

/**
 * The table's stream consumer, off the hot path: each pass change and each check updates the
 * day's pre-aggregated counters (exactly once) and goes to the archive's Kinesis stream. Failed
 * records are reported as partial batch failures (Lambda retries from the first of them).
 */
export const handler = async (event: DynamoDBStreamEvent, context: Context) => {
  logger.addContext(context);
  return processPartialResponse(event, recordHandler, processor, { context });
};
