import { KinesisClient } from '@aws-sdk/client-kinesis';
import { bounded, dynamoDb, sdkClientConfig, secretValue, tracer } from '@cdk-rampart/lambda-kit';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { dynamoDbLedgerRepository } from './ledger-repository';
import { dynamoDbRulesRepository } from './rules-repository';
import { REWARDS_ENV } from '../domain/settings';
import type { ScoringStores } from '../domain/transactions';

/** A table name from the environment (set by the stack, or the local run). */
export function tableName(envName: string): string {
  const name = process.env[envName];
  if (!name) throw new Error(`${envName} is not set`);
  return name;
}

export const rulesRepository = () => dynamoDbRulesRepository({ client: dynamoDb(), tableName: tableName(REWARDS_ENV.RULES_TABLE) });

export const ledgerRepository = () => dynamoDbLedgerRepository({
  client: dynamoDb(),
  accountsTable: tableName(REWARDS_ENV.ACCOUNTS_TABLE),
  transactionsTable: tableName(REWARDS_ENV.TRANSACTIONS_TABLE),
  codesTable: tableName(REWARDS_ENV.CODES_TABLE),
});

/**
 * The encounter codes' signing key: the secret named by `REWARDS_CODE_SECRET` (Secrets Manager,
 * cached five minutes), or locally the key in `REWARDS_CODE_KEY`.
 */
export async function codeKey(): Promise<Uint8Array> {
  const local = process.env[REWARDS_ENV.CODE_KEY];
  const value = local ?? await secretValue(REWARDS_ENV.CODE_SECRET);
  if (value.length < 32) throw new Error('The encounter code key is shorter than 32 characters');
  return new TextEncoder().encode(value);
}

/** The stores a scoring request needs, from the environment (read on each call, so a test can point them elsewhere). */
export function scoringStores(): ScoringStores {
  return { rules: rulesRepository(), ledger: ledgerRepository(), codeKey };
}

let kinesis: KinesisClient | undefined;

/** One traced Kinesis client per container; `KINESIS_ENDPOINT` (kinesalite, HTTP/1.1) in tests. */
export function kinesisClient(): KinesisClient {
  if (!kinesis) {
    const endpoint = process.env[REWARDS_ENV.KINESIS_ENDPOINT];
    const config = sdkClientConfig(endpoint);
    const local = endpoint ? { requestHandler: new NodeHttpHandler(config.requestHandler) } : {};
    kinesis = tracer.captureAWSv3Client(bounded(new KinesisClient({ ...config, ...local })));
  }
  return kinesis;
}
