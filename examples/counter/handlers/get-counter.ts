import { counterApi } from './http/route';
import { readCount } from '../domain/counter';

/** `GET /counter`: `{ value }`, the start value when nothing was ever sold. */
export const handler = counterApi('GET', readCount);
