import type { StreamViewType } from '@aws-sdk/client-dynamodb';
import { OWNER_INDEX, PASS_ENV, REVIEW_INDEX } from './domain/settings';
import { EXAMPLE, PASS_ROUTES, ROUTES, STAGE_NAME, WORKER_HANDLERS } from './routes';

/**
 * The movement pass, declared once: its table (keys, indexes, stream), its queues (receive counts,
 * visibility, retention, how the worker reads them) and its routes. The stack
 * (pass-api-stack.ts), the local run (local-options.ts) and the tests (through the local run) all
 * read this, so what runs locally and in the tests is what is deployed.
 */

/** A secondary index: every key attribute is a string. */
export interface IndexSpec {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
}

/** A DynamoDB table of the system (on-demand; every key attribute a string). */
export interface TableSpec {
  /** The environment variable the functions read its name from. */
  readonly envName: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly globalSecondaryIndexes?: IndexSpec[];
  /** What the table's stream carries; no stream when absent. */
  readonly stream?: StreamViewType;
  /** The TTL attribute (epoch seconds); none when absent. */
  readonly timeToLiveAttribute?: string;
}

/** A work queue of the system, with its dead-letter queue, and how its consumer reads it. */
export interface QueueSpec {
  /** The environment variable the producers read its URL from. */
  readonly envName: string;
  /** Receives before a message moves to the dead-letter queue. */
  readonly maxReceiveCount: number;
  /** How long a received message stays hidden (covers the consumer's timeout and batching window). */
  readonly visibilityTimeoutSeconds: number;
  /** How long an undelivered message is kept. */
  readonly retentionDays: number;
  /** The consumer's handler (examples/<system>/handlers/<name>.ts) and how it reads the queue. */
  readonly consumer: {
    readonly handlerName: string;
    readonly timeoutSeconds: number;
    readonly batchSize: number;
    readonly maxBatchingWindowSeconds: number;
  };
}

/** The pass table: registrations, passes, counters and the audit log, with the two indexes and the stream. */
const TABLE: TableSpec = {
  envName: PASS_ENV.TABLE,
  partitionKey: 'pk',
  sortKey: 'sk',
  globalSecondaryIndexes: [
    { indexName: OWNER_INDEX, partitionKey: 'ownerPk', sortKey: 'ownerSk' },
    { indexName: REVIEW_INDEX, partitionKey: 'reviewPk', sortKey: 'reviewSk' },
  ],
  // The stream consumer (counters, archive) needs the old image too; the approval outbox the new one.
  stream: 'NEW_AND_OLD_IMAGES',
  timeToLiveAttribute: 'expiresAt',
};

/**
 * The approval queue: applications wait here when the worker is busy (a burst is absorbed for 4
 * days and drained at the rate the table is given). 5 receives, as AWS recommends for a Lambda
 * consumer, so throttling alone sends nothing to the dead-letter queue.
 */
const APPROVALS: QueueSpec = {
  envName: PASS_ENV.QUEUE_URL,
  maxReceiveCount: 5,
  visibilityTimeoutSeconds: 180,
  retentionDays: 4,
  consumer: { handlerName: WORKER_HANDLERS.rulesWorker, timeoutSeconds: 30, batchSize: 10, maxBatchingWindowSeconds: 1 },
};

export const PASS_SYSTEM = {
  example: EXAMPLE,
  stageName: STAGE_NAME,
  table: TABLE,
  queues: { approvals: APPROVALS },
  /** The routes by name (`PASS_SYSTEM.routes.apply`), for look-ups that a typo cannot miss. */
  routes: ROUTES,
  /** The same routes as the list the API is built from (their order names their functions). */
  routeList: PASS_ROUTES,
  workers: WORKER_HANDLERS,
} as const;
