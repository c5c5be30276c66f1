import { decrementCounter } from './domain/counter';
import { counterRoute } from './domain/http';

/**
 * `POST /decrement`: one sale; `{ value }` is the new value; 409 at zero, nothing changed. A sale
 * sent again with the same `Idempotency-Key` (a retry after a lost answer) is counted once.
 */
export const handler = counterRoute('POST', (store) => decrementCounter(store), { idempotent: true });
