import * as z from 'zod';
import { passApi } from './http/route';
import { checkHealth } from '../domain/health';
import { storeFromEnv } from '../storage/table';

/**
 * `GET /health` (public): 200 when this region reads its pass table, 503 with Retry-After when it
 * cannot. What the Route 53 health checks of the two-region service ask (docs/active-active.md), so
 * a region whose table, network path or functions fail stops getting traffic, not only one whose
 * gateway is down. Never cached.
 */
export const handler = passApi({
  body: z.undefined({ error: 'This route takes no body' }),
  handle: async () => checkHealth(storeFromEnv()),
});
