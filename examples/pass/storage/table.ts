import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoDb } from '@cdk-rampart/lambda-kit';
import { PASS_ENV } from '../domain/settings';

/** The table the pass system works on. */
export interface PassStore {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** The store from the environment (read on each call: cheap, and a test can point it elsewhere). */
export function storeFromEnv(): PassStore {
  const tableName = process.env[PASS_ENV.TABLE];
  if (!tableName) throw new Error(`${PASS_ENV.TABLE} is not set`);
  return { client: dynamoDb(), tableName };
}

/** The name DynamoDB gives a failed condition, on its own or inside a cancelled transaction. */
export function isConditionFailure(error: unknown): boolean {
  return (error as Error)?.name === 'ConditionalCheckFailedException';
}

/** Why each item of a cancelled transaction failed (`None`, `ConditionalCheckFailed`, `TransactionConflict`...). */
export function cancellationCodes(error: unknown): string[] | undefined {
  if ((error as Error)?.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
  if (reasons) return reasons.map((r) => r.Code ?? 'None');
  // Some engines only name the reasons in the message: "... reasons [None, ConditionalCheckFailed]".
  const m = /\[([^\]]*)\]/.exec((error as Error).message ?? '');
  return m ? m[1].split(',').map((s) => s.trim()) : [];
}
