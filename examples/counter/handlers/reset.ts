import { resetCounter } from './domain/counter';
import { counterRoute } from './domain/http';

/** `PUT /reset` (API key required): back to the start value; `{ value }`. */
export const handler = counterRoute('PUT', (store) => resetCounter(store));
