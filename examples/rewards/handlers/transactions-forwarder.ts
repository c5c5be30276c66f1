import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { logger } from '@cdk-rampart/lambda-kit';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { REWARDS_ENV, REWARDS_TABLE_KEY } from '../domain/settings';
import type { AppliedTransaction } from '../domain/transactions';
import { kinesisClient, tableName } from '../storage/clients';

/**
 * The transactions table's stream → the transactions stream (Kinesis): each newly applied
 * transaction is put on it once its DynamoDB transaction committed, so a transaction on the stream
 * is always one that was applied, and one applied is never lost (the table's stream is the
 * outbox; a failed put is retried by the event source mapping: `batchItemFailures`). Consumers see
 * a record at least once and key on `transaction_id`.
 */
/** A transaction as the archive's columns have it (analytics.ts): flat, snake_case, ids only. */
export function archiveRecord(t: AppliedTransaction): Record<string, unknown> {
  return {
    event_type: 'transaction.applied',
    transaction_id: t.transactionId,
    kind: t.kind,
    from_id: t.from,
    to_id: t.to,
    units: t.units,
    from_points: t.changes[0]?.delta ?? 0,
    to_points: t.changes[1]?.delta ?? 0,
    goods: t.goods,
    rules_version: t.rulesVersion,
    occurred_at: t.createdAt,
    count_day: t.createdAt.slice(0, 10),
  };
}

export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const inserts = event.Records.filter((r) => r.eventName === 'INSERT' && r.dynamodb?.NewImage);
  if (inserts.length === 0) return { batchItemFailures: [] };
  const entries = inserts.map((r) => {
    const { [REWARDS_TABLE_KEY]: _key, ...transaction } = unmarshall(r.dynamodb!.NewImage as any) as AppliedTransaction & { pk: string };
    return { Data: Buffer.from(JSON.stringify(archiveRecord(transaction))), PartitionKey: transaction.transactionId };
  });
  const out = await kinesisClient().send(new PutRecordsCommand({ StreamName: tableName(REWARDS_ENV.TRANSACTIONS_STREAM), Records: entries }));
  const failed = (out.Records ?? []).flatMap((r, i) => (r.ErrorCode ? [inserts[i]] : []));
  if (failed.length > 0) logger.warn('Transactions not put on the stream; the batch retries them', { failed: failed.length });
  return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.dynamodb!.SequenceNumber! })) };
}
