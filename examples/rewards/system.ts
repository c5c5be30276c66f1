import type { StreamViewType } from '@aws-sdk/client-dynamodb';
import { ADMIN_GROUP, DEFAULT_CODE_MINUTES, REWARDS_ENV, REWARDS_TABLE_KEY, USER_KINDS } from './domain/settings';
import { HttpMethod, RouteAuthorization } from '../../src/api';
import type { ExampleRoute } from '../shared/stack';

/**
 * The rewards platform, declared once: its tables, streams, routes and groups. The stacks, the
 * local run (local-options.ts) and the tests (through the local run) all read this, so what is
 * tested is what is deployed.
 */

/** A DynamoDB table of the system, as the stack and the local run create it. */
export interface RewardsTableSpec {
  /** The environment variable the functions read its name from. */
  readonly envName: string;
  /** The partition key (a string attribute). */
  readonly partitionKey: string;
  /** What the table's stream carries; no stream when absent. */
  readonly stream?: StreamViewType;
  /** The attribute DynamoDB expires items by (epoch seconds). @default - none */
  readonly timeToLiveAttribute?: string;
  /** The sort key (a string attribute). @default - none */
  readonly sortKey?: string;
  /** Global secondary indexes, every key a string, every attribute projected. @default - none */
  readonly globalSecondaryIndexes?: readonly RewardsTableIndexSpec[];
}

/** A global secondary index of a rewards table. */
export interface RewardsTableIndexSpec {
  readonly indexName: string;
  readonly partitionKey: string;
  /** @default - none */
  readonly sortKey?: string;
}

/** A Kinesis stream of the system. */
export interface RewardsStreamSpec {
  /** The environment variable its name is given in. */
  readonly envName: string;
  /** What its records are. */
  readonly description: string;
}

/** A worker (a function not behind the API). */
export interface RewardsWorkerSpec {
  /** File name in handlers/, without `.ts`. */
  readonly handlerName: string;
}

const ANY_USER = [...USER_KINDS, ADMIN_GROUP];

/**
 * The routes by name (`REWARDS_SYSTEM.routes.transact`). Every route needs a sign-in of the users
 * pool; the groups each one requires are checked by TracedApi's group authorizer on AWS and by
 * the function again. The order is the API's (Route0, Route1, ...): append, do not sort.
 */
const ROUTES = {
  readRules: { method: HttpMethod.GET, path: '/rules', handlerName: 'get-rules', authorization: RouteAuthorization.COGNITO, requiredGroups: ANY_USER },
  editRules: { method: HttpMethod.PUT, path: '/rules', handlerName: 'put-rules', authorization: RouteAuthorization.COGNITO, requiredGroups: [ADMIN_GROUP] },
  readRulesVersion: { method: HttpMethod.GET, path: '/rules/{version}', handlerName: 'get-rules-version', authorization: RouteAuthorization.COGNITO, requiredGroups: ANY_USER },
  transact: { method: HttpMethod.POST, path: '/transactions', handlerName: 'post-transaction', authorization: RouteAuthorization.COGNITO, requiredGroups: ['civilian', 'officer', 'merchant'] },
  balance: { method: HttpMethod.GET, path: '/balance', handlerName: 'get-balance', authorization: RouteAuthorization.COGNITO, requiredGroups: [...USER_KINDS] },
  encounterCode: { method: HttpMethod.POST, path: '/encounter-codes', handlerName: 'post-encounter-code', authorization: RouteAuthorization.COGNITO, requiredGroups: ['civilian'] },
  /** Public: whoever signs up has no sign-in yet; the ID verifier is the check (and WAF's per-IP limit). */
  signUp: { method: HttpMethod.POST, path: '/sign-ups', handlerName: 'post-sign-up', authorization: RouteAuthorization.NONE },
  /** A presigned upload URL for a file of the merchant's own catalog (the catalog site's bucket). */
  catalogUpload: { method: HttpMethod.POST, path: '/catalog-uploads', handlerName: 'post-catalog-upload', authorization: RouteAuthorization.COGNITO, requiredGroups: ['merchant'] },
  /** A device's position (rate-limited: one per user per second), handed to the tracker. */
  trackLocation: { method: HttpMethod.POST, path: '/locations', handlerName: 'post-location', authorization: RouteAuthorization.COGNITO, requiredGroups: ['civilian', 'officer'] },
  /** An officer starts, renews (15 minutes) or stops sharing their location. */
  shareLocation: { method: HttpMethod.PUT, path: '/sharing', handlerName: 'put-sharing', authorization: RouteAuthorization.COGNITO, requiredGroups: ['officer'] },
  readSharing: { method: HttpMethod.GET, path: '/sharing', handlerName: 'get-sharing', authorization: RouteAuthorization.COGNITO, requiredGroups: ['officer'] },
  /** A civilian's proximity notifications (the web app polls every 2 s). */
  readNotifications: { method: HttpMethod.GET, path: '/notifications', handlerName: 'get-notifications', authorization: RouteAuthorization.COGNITO, requiredGroups: ['civilian'] },
} satisfies Record<string, ExampleRoute>;

export const REWARDS_SYSTEM = {
  /** The example's name: its folder under examples/ and build/examples/. */
  example: 'rewards',
  /** The API stage. */
  stageName: 'v1',
  adminGroup: ADMIN_GROUP,
  /** The kinds of user, each a group of the users pool. */
  userKinds: USER_KINDS,
  tables: {
    /** One item per user: its kind and balance, changed only inside transactions; its stream (new accounts) is the users stream's outbox. */
    accounts: { envName: REWARDS_ENV.ACCOUNTS_TABLE, partitionKey: REWARDS_TABLE_KEY, stream: 'NEW_IMAGE' } satisfies RewardsTableSpec,
    /** One item per applied transaction; its stream (new images) is the transactions stream's outbox. */
    transactions: { envName: REWARDS_ENV.TRANSACTIONS_TABLE, partitionKey: REWARDS_TABLE_KEY, stream: 'NEW_IMAGE' } satisfies RewardsTableSpec,
    /** The current business rules and every version. */
    rules: { envName: REWARDS_ENV.RULES_TABLE, partitionKey: REWARDS_TABLE_KEY } satisfies RewardsTableSpec,
    /** Used encounter code nonces, expired by DynamoDB once the code has. */
    codes: { envName: REWARDS_ENV.CODES_TABLE, partitionKey: REWARDS_TABLE_KEY, timeToLiveAttribute: 'expiresAt' } satisfies RewardsTableSpec,
    /** The charities and families in need the registry lists, imported on a schedule. */
    catalog: { envName: REWARDS_ENV.CATALOG_TABLE, partitionKey: REWARDS_TABLE_KEY } satisfies RewardsTableSpec,
    /**
     * Latest positions (by geohash cell in `byCell`), their history and the rate limit, every item
     * expired an hour after its position. No stream: positions never reach the archive.
     */
    locations: {
      envName: REWARDS_ENV.LOCATIONS_TABLE,
      partitionKey: REWARDS_TABLE_KEY,
      sortKey: 'sk',
      timeToLiveAttribute: 'expiresAt',
      globalSecondaryIndexes: [{ indexName: 'byCell', partitionKey: 'cellKey', sortKey: 'seenAt' }],
    } satisfies RewardsTableSpec,
    /** Officers' location sharing, expired by DynamoDB once it has (the code checks the expiry itself). */
    sharing: { envName: REWARDS_ENV.SHARING_TABLE, partitionKey: REWARDS_TABLE_KEY, timeToLiveAttribute: 'expiresAt' } satisfies RewardsTableSpec,
    /** Civilians' proximity notifications and their five-minute quiet windows, expired after an hour. */
    notifications: { envName: REWARDS_ENV.NOTIFICATIONS_TABLE, partitionKey: REWARDS_TABLE_KEY, sortKey: 'sk', timeToLiveAttribute: 'expiresAt' } satisfies RewardsTableSpec,
  },
  streams: {
    transactions: { envName: REWARDS_ENV.TRANSACTIONS_STREAM, description: 'Every applied transaction (ids, kinds, points, rules version)' } satisfies RewardsStreamSpec,
    users: { envName: REWARDS_ENV.USERS_STREAM, description: 'user-created: every signed-up user (id and kind)' } satisfies RewardsStreamSpec,
  },
  queues: {
    /** Stream batches the forwarders failed on every retry, and undelivered catalog imports: inspected and re-driven by hand. */
    workerFailures: { maxReceiveCount: 5, retentionDays: 14 },
  },
  workers: {
    /** The transactions table's stream → the transactions stream. */
    transactionsForwarder: { handlerName: 'transactions-forwarder' } satisfies RewardsWorkerSpec,
    /** The accounts table's stream (new accounts) → the users stream. */
    usersForwarder: { handlerName: 'users-forwarder' } satisfies RewardsWorkerSpec,
    /** The scheduled import of the charities' and families' catalogs. */
    catalogImport: { handlerName: 'catalog-import' } satisfies RewardsWorkerSpec,
    /** The tracker's position events (EventBridge) → positions kept, proximity notifications left. */
    locationEvents: { handlerName: 'location-events' } satisfies RewardsWorkerSpec,
  },
  /** Hours between two catalog imports. */
  catalogImportHours: 6,
  /** Minutes an encounter code is valid. */
  codeMinutes: DEFAULT_CODE_MINUTES,
  /** The environment variable the encounter code key's secret name is given in (a ConfigSecret). */
  codeKeyEnv: REWARDS_ENV.CODE_SECRET,
  /** The functions' environment besides table names and secrets. */
  environment: { [REWARDS_ENV.CODE_MINUTES]: String(DEFAULT_CODE_MINUTES) } as Record<string, string>,
  /** What each group of the users pool is. */
  groupDescriptions: {
    civilian: 'Civilians: earn points in encounters with officers, spend them at merchants, donate them',
    officer: 'Police officers: record encounters, give points to other officers, donate',
    merchant: 'Merchants: take points for goods, donate',
    charity: 'Charities: receive donations',
    family: 'Families in need: receive donations',
    admin: 'Administrators: create and edit the business rules',
  } as Record<string, string>,
  routes: ROUTES,
  /** The same routes as the list the API is built from. */
  routeList: Object.values(ROUTES) as ExampleRoute[],
} as const;
