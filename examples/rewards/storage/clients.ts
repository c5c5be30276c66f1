import { KinesisClient } from '@aws-sdk/client-kinesis';
import { bounded, dynamoDb, sdkClientConfig, secretValue, tracer } from '@cdk-rampart/lambda-kit';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import * as z from 'zod';
import { dynamoDbCatalogRepository } from './catalog-repository';
import { dynamoDbLedgerRepository, openAccount } from './ledger-repository';
import { dynamoDbNotificationStore, dynamoDbPositionStore, dynamoDbSharingStore, type TrackingTables } from './locations-repository';
import { dynamoDbRulesRepository } from './rules-repository';
import { cognitoUserDirectory, memoryUserDirectory } from './user-directory';
import { CatalogEntry, fixtureCatalogProvider, type CatalogProvider } from '../domain/catalog';
import { Refusal } from '../domain/errors';
import { fixtureVerifier, httpsVerifier, type IdVerifier } from '../domain/identity';
import type { OnboardingStores, UserDirectory } from '../domain/onboarding';
import { REWARDS_ENV } from '../domain/settings';
import type { TrackingStores } from '../domain/tracking';
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

export const catalogRepository = () => dynamoDbCatalogRepository({ client: dynamoDb(), tableName: tableName(REWARDS_ENV.CATALOG_TABLE) });

/**
 * The ID verifier: the identity provider at `REWARDS_ID_VERIFIER_URL`, or locally the fixture
 * file in `REWARDS_ID_VERIFIER_FIXTURES`. With neither, sign-ups answer 503 (nobody is signed up
 * unchecked).
 */
export function idVerifier(): IdVerifier {
  const url = process.env[REWARDS_ENV.ID_VERIFIER_URL];
  if (url) return httpsVerifier(url);
  const fixtures = process.env[REWARDS_ENV.ID_VERIFIER_FIXTURES];
  if (fixtures) return fixtureVerifier(fixtures);
  return { verify: () => Promise.reject(new Refusal('busy', 'NoVerifier', 'Sign-up is not open yet: no identity provider is configured; nothing was stored')) };
}

let localDirectory: ReturnType<typeof memoryUserDirectory> | undefined;

/** The users pool in `REWARDS_USER_POOL_ID`, or (local runs and tests, `REWARDS_LOCAL_DIRECTORY=memory`) this process's memory. */
export function userDirectory(): UserDirectory {
  const poolId = process.env[REWARDS_ENV.USER_POOL_ID];
  if (poolId) return cognitoUserDirectory(poolId);
  if (process.env[REWARDS_ENV.LOCAL_DIRECTORY] === 'memory') return (localDirectory ??= memoryUserDirectory());
  throw new Error(`${REWARDS_ENV.USER_POOL_ID} is not set`);
}

/** The stores a sign-up needs, from the environment. */
export function onboardingStores(): OnboardingStores {
  const accounts = { client: dynamoDb(), accountsTable: tableName(REWARDS_ENV.ACCOUNTS_TABLE) };
  return {
    verifier: idVerifier(),
    catalog: catalogRepository(),
    directory: userDirectory(),
    openAccount: (userId, kind, verification, now) => openAccount(accounts, userId, kind, verification, now),
  };
}

/**
 * The catalog registry: its export at `REWARDS_CATALOG_URL` (HTTPS, `{ entries }`), or locally the
 * fixture file in `REWARDS_CATALOG_FIXTURES`; undefined when neither is configured.
 */
export function catalogProvider(): CatalogProvider | undefined {
  const url = process.env[REWARDS_ENV.CATALOG_URL];
  if (url) {
    return {
      async entries() {
        const res = await fetch(url, { signal: AbortSignal.timeout(20_000) });
        if (!res.ok) throw new Error(`The catalog registry answered ${res.status}`);
        return z.object({ entries: z.array(CatalogEntry) }).parse(await res.json()).entries;
      },
    };
  }
  const fixtures = process.env[REWARDS_ENV.CATALOG_FIXTURES];
  return fixtures ? fixtureCatalogProvider(fixtures) : undefined;
}

const trackingTables = (): TrackingTables => ({
  client: dynamoDb(),
  locationsTable: tableName(REWARDS_ENV.LOCATIONS_TABLE),
  sharingTable: tableName(REWARDS_ENV.SHARING_TABLE),
  notificationsTable: tableName(REWARDS_ENV.NOTIFICATIONS_TABLE),
});

/** The tracking stores, from the environment. */
export function trackingStores(): TrackingStores {
  const tables = trackingTables();
  return { positions: dynamoDbPositionStore(tables), sharing: dynamoDbSharingStore(tables), notifications: dynamoDbNotificationStore(tables) };
}
