import { decrementCounter } from './domain/counter';
import { counterRoute } from './domain/http';

/** `POST /decrement`: one sale; `{ value }` is the new value; 409 at zero, nothing changed. */
export const handler = counterRoute('POST', (store) => decrementCounter(store));
