import { decrementCounter } from './domain/counter';
import { counterRoute } from './domain/http';
import { COUNTER_ENV } from './domain/settings';
import { dynamoDbIdempotency } from '../../shared/handler-kit/idempotency';

/**
 * `POST /decrement`: one sale; `{ value }` is the new value; 409 at zero, nothing changed. A sale
 * sent again with the same `Idempotency-Key` (a retry after a lost answer) is counted once.
 */
export const handler = counterRoute('POST', (store) => decrementCounter(store), {
  idempotency: dynamoDbIdempotency(() => process.env[COUNTER_ENV.IDEMPOTENCY_TABLE]),
});
