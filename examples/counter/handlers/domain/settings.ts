// Shared by the handlers, the stack and the local runner; no imports, so the CDK app can read it
// without loading the handler runtime.

/** Environment variables the stack (and the local runner) give the counter functions. */
export const COUNTER_ENV = {
  /** The DataTable's name. */
  TABLE: 'COUNTER_TABLE',
  /** The start value (and reset value). */
  START: 'COUNTER_START',
  /** Which counter item (one per counted thing). */
  ID: 'COUNTER_ID',
  /** The Powertools idempotency table: a retried sale carrying the same Idempotency-Key counts once. */
  IDEMPOTENCY_TABLE: 'COUNTER_IDEMPOTENCY_TABLE',
} as const;

/** The counter's start and reset value unless configured. */
export const DEFAULT_START = 1000;
/** The item counting cameras. */
export const DEFAULT_COUNTER_ID = 'cameras';
