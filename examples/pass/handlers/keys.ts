import * as z from 'zod';
import { passApi } from './http/route';
import { loadPublishedKeys } from '../domain/key-set';
import { keysOfEveryRegion } from '../domain/region-keys';
import { storeFromEnv } from '../storage/table';

/**
 * `GET /keys` (public): the JSON Web Key Set of the pass signing keys (every key valid now, during a
 * rotation several), for offline checks. Read from the public keys parameter: this function cannot
 * read the signing secret. Cacheable for an hour: CloudFront serves it from the edge, and the police
 * page keeps it for offline use (new keys are published longer than that before they sign).
 */
export const handler = passApi({
  body: z.undefined({ error: 'This route takes no body' }),
  // Multi-region: every region's keys, so an offline check accepts a pass of either region.
  handle: async () => ({ keys: await keysOfEveryRegion(storeFromEnv(), await loadPublishedKeys()) }),
}, { cacheControl: 'public, max-age=3600' });
