// zod/mini: the counter validates one thing (no body), so it carries the small build of zod.
import * as z from 'zod/mini';
import { CounterStore, parseStart, SoldOutError } from './counter';
import { COUNTER_ENV, DEFAULT_COUNTER_ID, DEFAULT_START } from './settings';
import { ConflictError, dynamoDb, HttpError, httpHandler, type ApiHandler, type Idempotency } from '../../../shared/handler-kit';

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
 * with 400), maps a sold-out counter to 409, and answers `{ value }`. With `idempotency`, a request
 * carrying an `Idempotency-Key` runs once per key: a retry gets the first answer back.
 */
export function counterRoute(method: string, run: (store: CounterStore) => Promise<number>, options: { idempotency?: Idempotency } = {}): ApiHandler {
  return httpHandler({
    body: NoBody,
    idempotency: options.idempotency,
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
