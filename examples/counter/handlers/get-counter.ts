import { readCounter } from './domain/counter';
import { counterRoute } from './domain/http';

/** `GET /counter`: `{ value }`, the start value when nothing was ever sold. */
export const handler = counterRoute('GET', readCounter);
