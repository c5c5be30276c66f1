import { BadRequestError } from '@cdk-rampart/lambda-kit';
import * as z from 'zod';
import { passApi } from './http/route';
import { dayOf } from '../domain/ids';
import { daysBetween, readStats } from '../domain/stats';
import { storeFromEnv } from '../storage/table';

const Query = z.strictObject({
  from: z.iso.date('a date, YYYY-MM-DD').optional(),
  to: z.iso.date('a date, YYYY-MM-DD').optional(),
});

/**
 * `GET /stats[?from=YYYY-MM-DD&to=YYYY-MM-DD]` (admin): passes by status, reason and district, and
 * checks by result, per day (default: the last 7 days), from the pre-aggregated counters.
 */
export const handler = passApi({
  body: z.undefined({ error: 'This route takes no body' }),
  handle: async ({ event }) => {
    const query = Query.safeParse(event.queryStringParameters ?? {});
    if (!query.success) throw new BadRequestError('Invalid query', query.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    const to = query.data.to ?? dayOf(Date.now());
    const from = query.data.from ?? dayOf(Date.parse(`${to}T00:00:00Z`) - 6 * 86_400_000);
    return readStats(storeFromEnv(), daysBetween(from, to));
  },
});
