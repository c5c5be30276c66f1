// Shared by the handlers, the system declaration (stack and local run) and the tests; no imports,
// so a handler bundle does not load the CDK and the CDK app does not load the handler runtime.

/** Environment variables the stack (and the local run) give the rewards functions. */
export const REWARDS_ENV = {
  /** The accounts table: one item per user, its kind and its balance. */
  ACCOUNTS_TABLE: 'REWARDS_ACCOUNTS_TABLE',
  /** The transactions table: one item per applied transaction (its stream feeds the transactions stream). */
  TRANSACTIONS_TABLE: 'REWARDS_TRANSACTIONS_TABLE',
  /** The business rules table: the current version and every past one. */
  RULES_TABLE: 'REWARDS_RULES_TABLE',
  /** The used encounter codes (their nonces, until they expire). */
  CODES_TABLE: 'REWARDS_CODES_TABLE',
  /** The Kinesis stream the transactions are put on (the transactions stream). */
  TRANSACTIONS_STREAM: 'REWARDS_TRANSACTIONS_STREAM',
  /** A Kinesis endpoint (kinesalite in tests); unset in Lambda. */
  KINESIS_ENDPOINT: 'KINESIS_ENDPOINT',
  /** The name of the secret (Secrets Manager) encounter codes are signed with. */
  CODE_SECRET: 'REWARDS_CODE_SECRET',
  /** The signing key itself, for local runs and tests only (takes the place of the secret). */
  CODE_KEY: 'REWARDS_CODE_KEY',
  /** Minutes an encounter code is valid. */
  CODE_MINUTES: 'REWARDS_CODE_MINUTES',
  /** The imported catalogs of charities and families in need. */
  CATALOG_TABLE: 'REWARDS_CATALOG_TABLE',
  /** The Kinesis stream `user-created` events are put on (the users stream). */
  USERS_STREAM: 'REWARDS_USERS_STREAM',
  /** The Cognito users pool the sign-up creates users in. */
  USER_POOL_ID: 'REWARDS_USER_POOL_ID',
  /** Local runs and tests only: `memory` keeps signed-up users in the process (no Cognito runs locally). */
  LOCAL_DIRECTORY: 'REWARDS_LOCAL_DIRECTORY',
  /** The identity provider's check endpoint (HTTPS). */
  ID_VERIFIER_URL: 'REWARDS_ID_VERIFIER_URL',
  /** Local runs and tests only: the fixture file the local ID verifier reads (fixtures/identities.json). */
  ID_VERIFIER_FIXTURES: 'REWARDS_ID_VERIFIER_FIXTURES',
  /** The catalog registry's export (HTTPS, JSON `{ entries }`). */
  CATALOG_URL: 'REWARDS_CATALOG_URL',
  /** Local runs and tests only: the fixture file the local catalog provider reads (fixtures/catalog.json). */
  CATALOG_FIXTURES: 'REWARDS_CATALOG_FIXTURES',
  /** The catalog site's bucket merchants upload their catalogs to (presigned PUT URLs). */
  CATALOG_BUCKET: 'REWARDS_CATALOG_BUCKET',
  /** The locations table: latest positions, their history and the rate limit (TTL one hour, no stream). */
  LOCATIONS_TABLE: 'REWARDS_LOCATIONS_TABLE',
  /** Officers' location sharing (until when). */
  SHARING_TABLE: 'REWARDS_SHARING_TABLE',
  /** Civilians' proximity notifications. */
  NOTIFICATIONS_TABLE: 'REWARDS_NOTIFICATIONS_TABLE',
  /** The Location Service tracker positions are sent to. */
  TRACKER_NAME: 'REWARDS_TRACKER_NAME',
  /** Local runs and tests only: `in-process` sends positions to the local stand-in tracker (no Location Service runs locally). */
  LOCAL_TRACKER: 'REWARDS_LOCAL_TRACKER',
} as const;

/** Partition key attribute of every rewards table (a string). */
export const REWARDS_TABLE_KEY = 'pk';

/** Minutes an encounter code stays valid unless configured: long enough to show it, short enough not to travel. */
export const DEFAULT_CODE_MINUTES = 5;

/** The kinds of user, each a Cognito group of the same name. */
export const USER_KINDS = ['civilian', 'officer', 'merchant', 'charity', 'family'] as const;
export type UserKind = typeof USER_KINDS[number];

/** The group whose members may create and edit the business rules. */
export const ADMIN_GROUP = 'admin';
