import { resetCounter } from './domain/counter';
import { counterRoute } from './domain/http';

/** `PUT /reset` (staff: a staff pool token in the `staff` group): back to the start value; `{ value }`. */
export const handler = counterRoute('PUT', (store) => resetCounter(store));
