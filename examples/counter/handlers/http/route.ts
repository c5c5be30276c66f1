import { ConflictError, dynamoDb, httpHandler, type ApiHandler, type Idempotency } from '@cdk-rampart/lambda-kit';
import { checkMethod, NoBody } from './requests';
import type { Counter } from '../../domain/counter';
import { SoldOut } from '../../domain/errors';
import { parseStart } from '../../domain/policies/count-rules';
import { COUNTER_ENV, DEFAULT_COUNTER_ID, DEFAULT_START } from '../../domain/settings';
import { dynamoDbCounterRepository } from '../../storage/counter-repository';

/** The counter from the environment, read on each call (cheap), so a test can point it elsewhere. */
export function counterFromEnv(): Counter {
  const tableName = process.env[COUNTER_ENV.TABLE];
  if (!tableName) throw new Error(`${COUNTER_ENV.TABLE} is not set`);
  return {
    repository: dynamoDbCounterRepository({ client: dynamoDb(), tableName, counterId: process.env[COUNTER_ENV.ID] || DEFAULT_COUNTER_ID }),
    start: parseStart(process.env[COUNTER_ENV.START], DEFAULT_START),
  };
}

/** The HTTP answer to a domain refusal: sold out is 409; anything else as it is (the kit answers 500). */
function httpErrorOf(error: unknown): unknown {
  return error instanceof SoldOut ? new ConflictError(error.message) : error;
}

export interface CounterApiOptions {
  /** Run a request carrying an `Idempotency-Key` once per key: a retry gets the first answer back. @default - none */
  readonly idempotency?: Idempotency;
}

/**
 * One counter route in its three layers: the request is parsed and validated (`requests.ts`: no
 * body, the route's method), `run` calls the domain with the counter, and a domain refusal is
 * mapped to its HTTP answer. Answers `{ value }`.
 */
export function counterApi(method: string, run: (counter: Counter) => Promise<number>, options: CounterApiOptions = {}): ApiHandler {
  return httpHandler({
    body: NoBody,
    idempotency: options.idempotency,
    httpErrorOf,
    handle: async ({ event }) => {
      checkMethod(event.httpMethod, method);
      return { value: await run(counterFromEnv()) };
    },
  });
}
