import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { REWARDS_ENV } from '../domain/settings';
import type { AppliedTransaction } from '../domain/transactions';
import { forwardInserts } from '../storage/stream-forwarder';

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

/**
 * The transactions table's stream → the transactions stream (Kinesis): each newly applied
 * transaction is put on it once its DynamoDB transaction committed, so a transaction on the stream
 * is always one that was applied, and one applied is never lost (the table's stream is the
 * outbox; a failed put is retried by the event source mapping: `batchItemFailures`). Consumers see
 * a record at least once and key on `transaction_id`.
 */
export function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  return forwardInserts(event, REWARDS_ENV.TRANSACTIONS_STREAM, (item) => ({
    key: item.transactionId,
    data: archiveRecord(item as AppliedTransaction),
  }));
}
