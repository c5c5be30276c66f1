import { dynamoDbIdempotency } from '@cdk-rampart/lambda-kit/idempotency';
import { counterApi } from './http/route';
import { sellOne } from '../domain/counter';
import { COUNTER_ENV } from '../domain/settings';

/**
 * `POST /decrement`: one sale; `{ value }` is the new value; 409 at zero, nothing changed. A sale
 * sent again with the same `Idempotency-Key` (a retry after a lost answer) is counted once.
 */
export const handler = counterApi('POST', (counter) => sellOne(counter), {
  idempotency: dynamoDbIdempotency(() => process.env[COUNTER_ENV.IDEMPOTENCY_TABLE]),
});
