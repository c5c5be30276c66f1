import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { RuleSet, VersionedRules } from '../domain/model';
import type { RulesRepository } from '../domain/rules';
import { REWARDS_TABLE_KEY } from '../domain/settings';

export interface RulesTable {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

const CURRENT = 'current';
const versionKey = (version: number) => `version#${String(version).padStart(10, '0')}`;

function toRules(item: Record<string, any> | undefined): VersionedRules | undefined {
  if (!item) return undefined;
  return { version: item.version as number, rules: item.rules as RuleSet, updatedAt: item.updatedAt as string, updatedBy: item.updatedBy as string };
}

/**
 * The rules on two kinds of item: `current` (the version in force) and `version#N` (every
 * version, never rewritten). A create or an edit is one TransactWriteItems: `current` is put only
 * when its version is still the one the edit was made against (absent for the first), and
 * `version#N` only when it does not exist yet; a stale edit writes neither.
 */
export function dynamoDbRulesRepository(table: RulesTable): RulesRepository {
  const get = async (pk: string) => {
    const out = await table.client.send(new GetCommand({ TableName: table.tableName, Key: { [REWARDS_TABLE_KEY]: pk }, ConsistentRead: true }));
    return toRules(out.Item);
  };
  return {
    current: () => get(CURRENT),
    version: (version) => get(versionKey(version)),
    async replace(next) {
      const attributes = { version: next.version, rules: next.rules, updatedAt: next.updatedAt, updatedBy: next.updatedBy };
      const expected = next.version - 1;
      try {
        await table.client.send(new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: table.tableName,
                Item: { [REWARDS_TABLE_KEY]: CURRENT, ...attributes },
                ConditionExpression: expected === 0 ? 'attribute_not_exists(#pk)' : '#version = :expected',
                ExpressionAttributeNames: expected === 0 ? { '#pk': REWARDS_TABLE_KEY } : { '#version': 'version' },
                ExpressionAttributeValues: expected === 0 ? undefined : { ':expected': expected },
              },
            },
            {
              Put: {
                TableName: table.tableName,
                Item: { [REWARDS_TABLE_KEY]: versionKey(next.version), ...attributes },
                ConditionExpression: 'attribute_not_exists(#pk)',
                ExpressionAttributeNames: { '#pk': REWARDS_TABLE_KEY },
              },
            },
          ],
        }));
        return true;
      } catch (error) {
        if (isCancelledBy(error, 'ConditionalCheckFailed')) return false;
        throw error;
      }
    },
  };
}

/** Whether a TransactWriteItems was cancelled, and one of its items for `code`. */
export function isCancelledBy(error: unknown, code: string): boolean {
  const reasons = (error as { name?: string; CancellationReasons?: { Code?: string }[] })?.CancellationReasons;
  return (error as Error)?.name === 'TransactionCanceledException' && !!reasons?.some((r) => r.Code === code);
}
