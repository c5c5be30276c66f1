import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { REWARDS_ENV, REWARDS_TABLE_KEY } from '../domain/settings';
import { forwardInserts } from '../storage/stream-forwarder';

/** A `user-created` event as the users archive's columns have it (analytics.ts): ids and the kind only. */
export function userCreatedRecord(account: Record<string, any>): Record<string, unknown> {
  const createdAt = String(account.createdAt);
  return { event_type: 'user-created', user_id: account[REWARDS_TABLE_KEY], kind: account.kind, occurred_at: createdAt, count_day: createdAt.slice(0, 10) };
}

/**
 * The accounts table's stream → the users stream: an account is opened once per signed-up user,
 * so each INSERT is one `user-created` event (balance changes are MODIFYs and are not forwarded).
 */
export function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  return forwardInserts(event, REWARDS_ENV.USERS_STREAM, (item) => ({ key: item[REWARDS_TABLE_KEY], data: userCreatedRecord(item) }));
}
