import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CounterRepository } from '../domain/counter';
import type { SaleRule } from '../domain/policies/count-rules';
import { COUNTER_TABLE_KEY } from '../domain/settings';

/** The counter's item: one per counted thing, in the counter table. */
export interface CounterItem {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** The partition key value of the item (`COUNTER_ID`). */
  readonly counterId: string;
}

const VALUE = 'value';

/**
 * The counter on one DynamoDB item. A sale is one `UpdateItem`:
 * `SET value = if_not_exists(value, :start) - :by` on the condition
 * `attribute_not_exists(value) OR value >= :atLeast`, so DynamoDB applies the sale rule atomically
 * and a refused sale writes nothing. A reset is one `UpdateItem` too; nothing reads before it writes.
 */
export function dynamoDbCounterRepository(item: CounterItem): CounterRepository {
  const key = { [COUNTER_TABLE_KEY]: item.counterId };
  return {
    async read() {
      const out = await item.client.send(new GetCommand({
        TableName: item.tableName,
        Key: key,
        ProjectionExpression: '#v',
        ExpressionAttributeNames: { '#v': VALUE },
        ConsistentRead: true,
      }));
      const value = out.Item?.[VALUE];
      return typeof value === 'number' ? value : undefined;
    },

    async lower(rule: SaleRule, start: number, now: Date) {
      try {
        const out = await item.client.send(new UpdateCommand({
          TableName: item.tableName,
          Key: key,
          UpdateExpression: 'SET #v = if_not_exists(#v, :start) - :by, #u = :now',
          ConditionExpression: 'attribute_not_exists(#v) OR #v >= :atLeast',
          ExpressionAttributeNames: { '#v': VALUE, '#u': 'updatedAt' },
          ExpressionAttributeValues: { ':start': start, ':by': rule.by, ':atLeast': rule.atLeast, ':now': now.toISOString() },
          ReturnValues: 'UPDATED_NEW',
        }));
        return out.Attributes![VALUE] as number;
      } catch (error) {
        if ((error as Error)?.name === 'ConditionalCheckFailedException') return undefined;
        throw error;
      }
    },

    async reset(count: number, now: Date) {
      const out = await item.client.send(new UpdateCommand({
        TableName: item.tableName,
        Key: key,
        UpdateExpression: 'SET #v = :count, #u = :now, #r = :now',
        ExpressionAttributeNames: { '#v': VALUE, '#u': 'updatedAt', '#r': 'resetAt' },
        ExpressionAttributeValues: { ':count': count, ':now': now.toISOString() },
        ReturnValues: 'UPDATED_NEW',
      }));
      return out.Attributes![VALUE] as number;
    },
  };
}
