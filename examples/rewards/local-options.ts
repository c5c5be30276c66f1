import { randomBytes } from 'crypto';
import * as path from 'path';
import { REWARDS_ENV } from './domain/settings';
import { connectLocalTracker } from './storage/tracker-local';
import { REWARDS_SYSTEM } from './system';
import { startLocal, tokenIdentity, type LocalCaller, type LocalExample, type LocalIdentity } from '../shared/local-run';

/** How the rewards platform runs locally; everything else comes from the system declaration (system.ts). */
export interface RewardsLocalOverrides {
  /** @default 0 (a free port) */
  readonly port?: number;
  /** A DynamoDB already running (its tables are deleted on stop). @default - DynamoDB Local is started */
  readonly dynamoDbEndpoint?: string;
  /** The sign-ins the local run accepts: `Authorization: Bearer <token>` → the caller. @default - the fixture users (`LOCAL_USERS`) */
  readonly users?: Record<string, LocalCaller>;
  /** Who sends a request (replaces `users`). @default - `tokenIdentity(users)` */
  readonly identity?: LocalIdentity;
  /** The local ID verifier's register. @default - fixtures/identities.json */
  readonly identities?: string;
  /** The encounter codes' signing key. @default - a random key */
  readonly codeKey?: string;
  /** Build and serve the web apps. @default false */
  readonly pages?: boolean;
  /** Fields of the pages' `config.json` besides `apiBaseUrl`. @default - none */
  readonly webConfig?: Record<string, unknown>;
  /** Print the URLs. @default true */
  readonly log?: boolean;
}

const user = (sub: string, group: string): LocalCaller => ({ claims: { sub, 'cognito:groups': group } });

/** The local run's sign-ins: one token per fixture user (its kind is its group). */
export const LOCAL_USERS: Record<string, LocalCaller> = {
  'admin-token': user('admin-1', REWARDS_SYSTEM.adminGroup),
  'civilian-token': user('civilian-1', 'civilian'),
  'officer-token': user('officer-1', 'officer'),
  'merchant-token': user('merchant-1', 'merchant'),
  'charity-token': user('charity-1', 'charity'),
  'family-token': user('family-1', 'family'),
};

/**
 * Starts the rewards API on 127.0.0.1: DynamoDB Local (unless an endpoint is given) with the
 * system's tables, the routes answered by the real handlers in-process. The README's local run
 * (local.ts) and the tests start it through here. Positions go to the stand-in tracker, which
 * runs the location-events worker in-process (as EventBridge runs it deployed). The other workers
 * (the stream forwarders, the catalog import) are not run by the local API; the tests call them
 * with stream batches.
 */
export async function startRewardsLocal(overrides: RewardsLocalOverrides = {}): Promise<LocalExample> {
  const { tables } = REWARDS_SYSTEM;
  const running = await startLocal({
    example: REWARDS_SYSTEM.example,
    routes: REWARDS_SYSTEM.routeList,
    stageName: REWARDS_SYSTEM.stageName,
    tables: [
      tables.accounts, tables.transactions, tables.rules, tables.codes, tables.catalog,
      tables.locations, tables.sharing, tables.notifications,
    ],
    environment: {
      // No Cognito and no identity provider run locally: signed-up users stay in this process, and
      // the ID verifier and the catalog registry read their fixture files.
      [REWARDS_ENV.LOCAL_DIRECTORY]: 'memory',
      [REWARDS_ENV.ID_VERIFIER_FIXTURES]: overrides.identities ?? path.join(__dirname, 'fixtures', 'identities.json'),
      [REWARDS_ENV.CATALOG_FIXTURES]: path.join(__dirname, 'fixtures', 'catalog.json'),
      [REWARDS_ENV.CODE_KEY]: overrides.codeKey ?? randomBytes(32).toString('hex'),
      // No Location Service runs locally: positions go to the stand-in tracker (storage/tracker-local.ts).
      [REWARDS_ENV.LOCAL_TRACKER]: 'in-process',
      ...REWARDS_SYSTEM.environment,
    },
    port: overrides.port,
    dynamoDbEndpoint: overrides.dynamoDbEndpoint,
    identity: overrides.identity ?? tokenIdentity(overrides.users ?? LOCAL_USERS),
    pages: overrides.pages ?? false,
    webConfig: overrides.webConfig,
    log: overrides.log,
  });
  // The stand-in tracker hands each position to the location-events worker, loaded (as the routes
  // are) once the environment is set; POST /locations returns once it has run.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the system declaration names the worker's file
  connectLocalTracker(require(`./handlers/${REWARDS_SYSTEM.workers.locationEvents.handlerName}`).handler);
  return { ...running, stop: async () => { connectLocalTracker(undefined); await running.stop(); } };
}
