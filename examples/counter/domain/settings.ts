// Shared by the handlers, the system declaration (stack and local run) and the tests; no imports,
// so a handler bundle does not load the CDK and the CDK app does not load the handler runtime.

/** Environment variables the stack (and the local run) give the counter functions. */
export const COUNTER_ENV = {
  /** The counter table's name. */
  TABLE: 'COUNTER_TABLE',
  /** The start value (and reset value). */
  START: 'COUNTER_START',
  /** Which counter item (one per counted thing). */
  ID: 'COUNTER_ID',
  /** The Powertools idempotency table: a retried sale carrying the same Idempotency-Key counts once. */
  IDEMPOTENCY_TABLE: 'COUNTER_IDEMPOTENCY_TABLE',
} as const;

/** Partition key attribute of the counter table (a string: the counter id). */
export const COUNTER_TABLE_KEY = 'pk';

/** The counter's start and reset value unless configured. */
export const DEFAULT_START = 1000;
/** The item counting cameras. */
export const DEFAULT_COUNTER_ID = 'cameras';
