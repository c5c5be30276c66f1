import * as z from 'zod';
import { BadRequestError, httpHandler } from '../../shared/handler-kit';
import { callerOf, passRoute, storeFromEnv } from '../domain/http';
import { listPasses } from '../domain/passes';

const Query = z.strictObject({ cursor: z.string().max(2048).optional() });

/** `GET /passes[?cursor=...]`: the caller's own passes, newest first, 20 a page. */
export const handler = passRoute(httpHandler({
  body: z.undefined({ error: 'This route takes no body' }),
  handle: async ({ event }) => {
    const query = Query.safeParse(event.queryStringParameters ?? {});
    if (!query.success) throw new BadRequestError('Invalid query', query.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    return listPasses(storeFromEnv(), callerOf(event), query.data.cursor);
  },
}));
