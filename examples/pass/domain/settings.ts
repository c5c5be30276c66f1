// Shared by the handlers, the stacks and the local runner; no imports, so the CDK app can read it
// without loading the handler runtime.

/** Environment variables the stack (and the local runner) give the pass functions. */
export const PASS_ENV = {
  /** The pass table (registrations, passes, counters, audit of checks). */
  TABLE: 'PASS_TABLE',
  /** URL of the approval queue the rules worker consumes. */
  QUEUE_URL: 'PASS_QUEUE_URL',
  /** The ConfigParameter (JSON) holding the approval rules. */
  RULES_PARAM: 'PASS_RULES_PARAM',
  /** The ConfigSecret holding the pass signing key (or key set): read by the signers only. */
  SIGNING_KEY_SECRET: 'PASS_SIGNING_KEY_SECRET',
  /** The SSM parameter holding the public keys (JSON, no secret): read by everyone, written by the signers. */
  PUBLIC_KEYS_PARAM: 'PASS_PUBLIC_KEYS_PARAM',
  /** The Kinesis data stream pass events are archived through. */
  EVENTS_STREAM: 'PASS_EVENTS_STREAM',
  /** The identity provider's check endpoint (HTTPS), for `POST /registrations`. */
  IDENTITY_VERIFIER_URL: 'PASS_IDENTITY_VERIFIER_URL',
  /** Local runs and tests only: the stub identity provider's register (JSON list of documents). */
  IDENTITY_STUB_REGISTER: 'PASS_IDENTITY_STUB_REGISTER',
  /** A Kinesis endpoint (local runs and tests); unset in Lambda. */
  KINESIS_ENDPOINT: 'KINESIS_ENDPOINT',
} as const;

/** The index listing a citizen's passes: partition `OWNER#<sub>`, sorted by creation time. */
export const OWNER_INDEX = 'byOwner';
/** The sparse index of passes waiting for a reviewer, sharded: partition `REVIEW#<0..n>`. */
export const REVIEW_INDEX = 'reviewQueue';

/** Partitions pending passes are spread over in the sparse index (written on apply, read by the sweeper). */
export const PENDING_SHARDS = 8;
/** Partitions the review queue is spread over (written by the worker, read in parallel). */
export const REVIEW_SHARDS = 8;
/** Partitions each day's statistics counters are spread over (summed on read). */
export const STATS_SHARDS = 16;
/** Partitions each day's audit log of checks is spread over. */
export const AUDIT_SHARDS = 16;

/** Cognito groups. */
export const GROUPS = {
  REVIEWER: 'reviewer',
  POLICE: 'police',
  ADMIN: 'admin',
} as const;

/** The rules the stack deploys unless cdk.json overrides them (see domain/rules.ts for the schema). */
export const DEFAULT_RULES = {
  autoApprove: ['medical', 'emergency'],
  autoReject: [] as string[],
  maxDurationMinutes: { medical: 480, emergency: 720, groceries: 120, work: 720, funeral: 360, other: 240 },
  dailyQuotaPerDistrict: 50000,
  districtQuotas: {} as Record<string, number>,
  quotaShards: 10,
  rejectOverlapping: true,
  maxPassesPerPersonPerDay: 3,
};

/** Applications one account may make per day (of the pass's start): one account cannot drain a district's quota. */
export const ACCOUNT_DAILY_APPLICATIONS = 10;
/** Dependants without an ID (children) one pass may list. */
export const MAX_DEPENDANTS_PER_PASS = 3;
/** A dependant is under this age on the day of the application. */
export const DEPENDANT_MAX_AGE_YEARS = 18;
