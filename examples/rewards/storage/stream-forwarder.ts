import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { logger } from '@cdk-rampart/lambda-kit';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { kinesisClient, tableName } from './clients';

/** A stream record's key and content. */
export interface ForwardedRecord {
  readonly key: string;
  readonly data: Record<string, unknown>;
}

/**
 * A table's stream as the outbox of a Kinesis stream: each INSERT's new image becomes one record
 * (`toRecord`), put with `PutRecords`; the records Kinesis did not take are reported as batch item
 * failures, so the event source mapping retries them (and everything after them in the shard).
 */
export async function forwardInserts(
  event: DynamoDBStreamEvent, streamEnv: string, toRecord: (item: Record<string, any>) => ForwardedRecord,
): Promise<DynamoDBBatchResponse> {
  const inserts = event.Records.filter((r) => r.eventName === 'INSERT' && r.dynamodb?.NewImage);
  if (inserts.length === 0) return { batchItemFailures: [] };
  const entries = inserts.map((r) => {
    const record = toRecord(unmarshall(r.dynamodb!.NewImage as any));
    return { Data: Buffer.from(JSON.stringify(record.data)), PartitionKey: record.key };
  });
  const out = await kinesisClient().send(new PutRecordsCommand({ StreamName: tableName(streamEnv), Records: entries }));
  const failed = (out.Records ?? []).flatMap((r, i) => (r.ErrorCode ? [inserts[i]] : []));
  if (failed.length > 0) logger.warn('Records not put on the stream; the batch retries them', { failed: failed.length, stream: process.env[streamEnv] });
  return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.dynamodb!.SequenceNumber! })) };
}
