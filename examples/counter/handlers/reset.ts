import { counterApi } from './http/route';
import { resetCounter } from '../domain/counter';

/** `PUT /reset` (staff: a staff pool token in the `staff` group): back to the start value; `{ value }`. */
export const handler = counterApi('PUT', (counter) => resetCounter(counter));
