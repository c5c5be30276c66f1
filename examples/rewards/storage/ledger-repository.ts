import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { codeUsed, insufficientBalance, Refusal, unknownParty } from '../domain/errors';
import { REWARDS_TABLE_KEY, type UserKind } from '../domain/settings';
import type { AppliedTransaction, LedgerRepository } from '../domain/transactions';

export interface LedgerTables {
  readonly client: DynamoDBDocumentClient;
  /** One item per user: `kind`, `balance`. */
  readonly accountsTable: string;
  /** One item per applied transaction; its stream feeds the transactions stream. */
  readonly transactionsTable: string;
  /** One item per used encounter code nonce, gone after the code expired (TTL `expiresAt`). */
  readonly codesTable: string;
}

/** Attempts of a transaction DynamoDB cancelled because another one held the same items. */
const CONFLICT_ATTEMPTS = 40;

type Reason = { Code?: string; Item?: Record<string, any> };

/** A value of a cancellation reason's item, marshalled (`{ S: 'x' }`) or not. */
function valueOf(item: Record<string, any> | undefined, name: string): unknown {
  const v = item?.[name];
  if (v && typeof v === 'object') return v.S ?? (v.N === undefined ? undefined : Number(v.N));
  return v;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Balances and transactions on DynamoDB. A transaction is ONE TransactWriteItems of
 * 1. the transaction record, on `attribute_not_exists(pk)`: an id applies once;
 * 2. each party's balance, `SET balance = balance + :delta` on `attribute_exists(pk) AND kind IN
 *    (...)` and, for a debit, `balance >= :need`: a balance never goes below zero;
 * 3. for an encounter, its code's nonce on `attribute_not_exists(pk)`: a code is used once.
 * A refusal is read from the cancellation reasons (`ReturnValuesOnConditionCheckFailure`), so the
 * answer says which condition failed. A cancellation for a conflicting concurrent transaction is
 * retried (jittered) and nothing else is: the conditions are re-evaluated on each attempt.
 */
export function dynamoDbLedgerRepository(tables: LedgerTables): LedgerRepository {
  const { client } = tables;
  return {
    async apply(transaction, nonce) {
      const items: any[] = [{
        Put: {
          TableName: tables.transactionsTable,
          Item: { [REWARDS_TABLE_KEY]: transaction.transactionId, ...transaction },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': REWARDS_TABLE_KEY },
        },
      }];
      for (const change of transaction.changes) {
        const kinds = Object.fromEntries(change.kinds.map((k, i) => [`:k${i}`, k]));
        const kindIn = `#kind IN (${Object.keys(kinds).join(', ')})`;
        const debit = change.delta < 0;
        items.push({
          Update: {
            TableName: tables.accountsTable,
            Key: { [REWARDS_TABLE_KEY]: change.party },
            UpdateExpression: 'SET #balance = #balance + :delta, #at = :at',
            ConditionExpression: `attribute_exists(#pk) AND ${kindIn}${debit ? ' AND #balance >= :need' : ''}`,
            ExpressionAttributeNames: { '#pk': REWARDS_TABLE_KEY, '#kind': 'kind', '#balance': 'balance', '#at': 'updatedAt' },
            ExpressionAttributeValues: { ...kinds, ':delta': change.delta, ':at': transaction.createdAt, ...(debit ? { ':need': -change.delta } : {}) },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        });
      }
      if (nonce) {
        items.push({
          Put: {
            TableName: tables.codesTable,
            Item: {
              [REWARDS_TABLE_KEY]: nonce.value,
              transactionId: transaction.transactionId,
              expiresAt: Math.ceil(nonce.expiresAt.getTime() / 1000),
            },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': REWARDS_TABLE_KEY },
          },
        });
      }
      for (let attempt = 1; ; attempt++) {
        try {
          await client.send(new TransactWriteCommand({ TransactItems: items }));
          return { applied: true };
        } catch (error) {
          const reasons = (error as { CancellationReasons?: Reason[] }).CancellationReasons;
          if ((error as Error).name !== 'TransactionCanceledException' || !reasons) throw error;
          if (reasons[0]?.Code === 'ConditionalCheckFailed') return { duplicate: true };
          for (const [i, change] of transaction.changes.entries()) {
            const reason = reasons[i + 1];
            if (reason?.Code !== 'ConditionalCheckFailed') continue;
            const kind = valueOf(reason.Item, 'kind') as UserKind | undefined;
            if (!reason.Item || !kind || !change.kinds.includes(kind)) return { refused: unknownParty(change.party, change.kinds) };
            return { refused: insufficientBalance(change.party, -change.delta) };
          }
          if (nonce && reasons[transaction.changes.length + 1]?.Code === 'ConditionalCheckFailed') return { refused: codeUsed() };
          if (!reasons.some((r) => r.Code === 'TransactionConflict')) throw error;
          if (attempt >= CONFLICT_ATTEMPTS) return { refused: new Refusal('busy', 'Busy', 'Too many transactions on these balances at once; nothing was applied, try again shortly') };
          await sleep(Math.random() * Math.min(100, 5 * 2 ** Math.min(attempt, 5)));
        }
      }
    },

    async transaction(transactionId) {
      const key = { [REWARDS_TABLE_KEY]: transactionId };
      const out = await client.send(new GetCommand({ TableName: tables.transactionsTable, Key: key, ConsistentRead: true }));
      if (!out.Item) return undefined;
      const { [REWARDS_TABLE_KEY]: _key, ...transaction } = out.Item;
      return transaction as AppliedTransaction;
    },

    async balance(userId) {
      const out = await client.send(new GetCommand({ TableName: tables.accountsTable, Key: { [REWARDS_TABLE_KEY]: userId }, ConsistentRead: true, ProjectionExpression: '#b', ExpressionAttributeNames: { '#b': 'balance' } }));
      const balance = out.Item?.balance;
      return typeof balance === 'number' ? balance : undefined;
    },
  };
}

/**
 * Opens an account of `kind` with a zero balance (onboarding does this once per user), with the ID
 * verifier's reference (opaque; no personal data); false when the user has one already (nothing
 * changed). Its creation is what the users stream's `user-created` comes from.
 */
export async function openAccount(
  tables: Pick<LedgerTables, 'client' | 'accountsTable'>, userId: string, kind: UserKind, verification: string, now: Date = new Date(),
): Promise<boolean> {
  try {
    await tables.client.send(new PutCommand({
      TableName: tables.accountsTable,
      Item: { [REWARDS_TABLE_KEY]: userId, kind, balance: 0, verification, createdAt: now.toISOString(), updatedAt: now.toISOString() },
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': REWARDS_TABLE_KEY },
    }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
