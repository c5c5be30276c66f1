import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

/** Where the counter lives and where it starts. */
export interface CounterStore {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** The partition key value of the counter's one item. */
  readonly counterId: string;
  /** The value before the first sale and after a reset; at least 1. */
  readonly start: number;
}

/** The counter is at zero: nothing left to sell, nothing changed. */
export class SoldOutError extends Error {
  constructor() {
    super('The counter is at 0: nothing left to sell');
    this.name = 'SoldOutError';
  }
}

/** Partition key attribute of the counter table (DataTable `partitionKey`). */
export const COUNTER_KEY = 'pk';
const VALUE = 'value';

/** The start value from the environment: a whole number of at least 1 (an absent item reads as it). */
export function parseStart(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`COUNTER_START: '${raw}' is not allowed; use a whole number of at least 1`);
  return n;
}

/** The current value (strongly consistent), or the start value when nothing was ever sold. */
export async function readCounter(store: CounterStore): Promise<number> {
  const out = await store.client.send(new GetCommand({
    TableName: store.tableName,
    Key: { [COUNTER_KEY]: store.counterId },
    ProjectionExpression: '#v',
    ExpressionAttributeNames: { '#v': VALUE },
    ConsistentRead: true,
  }));
  const value = out.Item?.[VALUE];
  return typeof value === 'number' ? value : store.start;
}

/**
 * One sale: a single conditional UpdateItem, so concurrent sales never lose an update and the value
 * never goes below zero. An absent item counts as the start value (at least 1, so the first sale
 * gives start - 1 >= 0). Throws `SoldOutError` at zero, leaving the item unchanged.
 */
export async function decrementCounter(store: CounterStore, now: Date = new Date()): Promise<number> {
  try {
    const out = await store.client.send(new UpdateCommand({
      TableName: store.tableName,
      Key: { [COUNTER_KEY]: store.counterId },
      UpdateExpression: 'SET #v = if_not_exists(#v, :start) - :one, #u = :now',
      ConditionExpression: 'attribute_not_exists(#v) OR #v > :zero',
      ExpressionAttributeNames: { '#v': VALUE, '#u': 'updatedAt' },
      ExpressionAttributeValues: { ':start': store.start, ':one': 1, ':zero': 0, ':now': now.toISOString() },
      ReturnValues: 'UPDATED_NEW',
    }));
    return out.Attributes![VALUE] as number;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException || (error as Error)?.name === 'ConditionalCheckFailedException') {
      throw new SoldOutError();
    }
    throw error;
  }
}

/** Back to the start value, in one write. */
export async function resetCounter(store: CounterStore, now: Date = new Date()): Promise<number> {
  const out = await store.client.send(new UpdateCommand({
    TableName: store.tableName,
    Key: { [COUNTER_KEY]: store.counterId },
    UpdateExpression: 'SET #v = :start, #u = :now, #r = :now',
    ExpressionAttributeNames: { '#v': VALUE, '#u': 'updatedAt', '#r': 'resetAt' },
    ExpressionAttributeValues: { ':start': store.start, ':now': now.toISOString() },
    ReturnValues: 'UPDATED_NEW',
  }));
  return out.Attributes![VALUE] as number;
}
