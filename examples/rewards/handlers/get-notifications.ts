import { BadRequestError } from '@cdk-rampart/lambda-kit';
import * as z from 'zod';
import { NoBody } from './http/requests';
import { rewardsApi } from './http/route';
import { readNotifications } from '../domain/tracking';
import { trackingStores } from '../storage/clients';

const NotificationsQuery = z.object({
  since: z.iso.datetime({ offset: true, error: 'since: an ISO 8601 date-time, e.g. 2026-12-02T05:00:00.000Z' }).transform((s) => new Date(s)).optional(),
});

/**
 * `GET /notifications[?since=<ISO>]` (civilians): the caller's proximity notifications, newest
 * first (at `since` or later when given: the app skips ids it has shown). The web app polls it every 2 s.
 */
export const handler = rewardsApi({
  body: NoBody,
  handle: ({ caller, event }) => {
    const query = NotificationsQuery.safeParse(event.queryStringParameters ?? {});
    if (!query.success) throw new BadRequestError('Invalid query', query.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    return readNotifications(trackingStores(), caller, query.data.since);
  },
});
