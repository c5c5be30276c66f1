import * as z from 'zod';
import { httpHandler } from '../../shared/handler-kit';
import { passRoute } from '../domain/http';
import { loadSigningKey } from '../domain/rules';

/**
 * `GET /keys` (public): the JSON Web Key Set of the pass signing key, for offline checks. Cacheable
 * for an hour: CloudFront serves it from the edge, and the police page keeps it for offline use.
 */
export const handler = passRoute(httpHandler({
  body: z.undefined({ error: 'This route takes no body' }),
  handle: async () => ({ keys: [(await loadSigningKey()).publicJwk] }),
}), { cacheControl: 'public, max-age=3600' });
