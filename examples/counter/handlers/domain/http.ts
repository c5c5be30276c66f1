import { z } from 'zod';
import { CounterStore, parseStart, SoldOutError } from './counter';
import { ConflictError, dynamoDb, HttpError, httpHandler, type ApiHandler } from '../../../shared/handler-kit';

/** Environment variables the stack (and the local runner) give the counter functions. */
export const COUNTER_ENV = {
  /** The DataTable's name. */
  TABLE: 'COUNTER_TABLE',
  /** The start value (and reset value). */
  START: 'COUNTER_START',
  /** Which counter item (one per counted thing). */
  ID: 'COUNTER_ID',
} as const;

export const DEFAULT_START = 1000;
export const DEFAULT_COUNTER_ID = 'cameras';

/** A method the route does not answer. API Gateway routes by method, so this only guards miswiring. */
class MethodNotAllowedError extends HttpError {
  constructor(method: string, allowed: string) { super(405, 'MethodNotAllowed', `${method} is not allowed here; use ${allowed}`); }
}

/** The store, read from the environment on each call (cheap), so a test can point it elsewhere. */
export function storeFromEnv(): CounterStore {
  const tableName = process.env[COUNTER_ENV.TABLE];
  if (!tableName) throw new Error(`${COUNTER_ENV.TABLE} is not set`);
  return {
    client: dynamoDb(),
    tableName,
    counterId: process.env[COUNTER_ENV.ID] || DEFAULT_COUNTER_ID,
    start: parseStart(process.env[COUNTER_ENV.START], DEFAULT_START),
  };
}

/** The counter routes take no body: anything in it is a caller mistake, refused before any write. */
const NoBody = z.undefined({ error: 'This route takes no body' });

/**
 * A counter route: checks the method, refuses any body (junk JSON is refused by the handler kit
 * with 400), maps a sold-out counter to 409, and answers `{ value }`.
 */
export function counterRoute(method: string, run: (store: CounterStore) => Promise<number>): ApiHandler {
  return httpHandler({
    body: NoBody,
    handle: async ({ event }) => {
      if (event.httpMethod !== method) throw new MethodNotAllowedError(event.httpMethod, method);
      try {
        return { value: await run(storeFromEnv()) };
      } catch (error) {
        if (error instanceof SoldOutError) throw new ConflictError(error.message);
        throw error;
      }
    },
  });
}
