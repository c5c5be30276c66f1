import { BadRequestError } from '@cdk-rampart/lambda-kit';
import * as z from 'zod';
import { callerOf, passApi } from './http/route';
import { listPasses } from '../domain/passes';
import { storeFromEnv } from '../storage/table';

const Query = z.strictObject({ cursor: z.string().max(2048).optional() });

/** `GET /passes[?cursor=...]`: the caller's own passes, newest first, 20 a page. */
export const handler = passApi({
  body: z.undefined({ error: 'This route takes no body' }),
  handle: async ({ event }) => {
    const query = Query.safeParse(event.queryStringParameters ?? {});
    if (!query.success) throw new BadRequestError('Invalid query', query.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    return listPasses(storeFromEnv(), callerOf(event), query.data.cursor);
  },
});
