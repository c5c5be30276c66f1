import * as z from 'zod';
import { httpHandler } from '../../shared/handler-kit';
import { passRoute, storeFromEnv } from '../domain/http';
import { reviewQueue } from '../domain/passes';

/** `GET /review-queue` (reviewer): up to 50 passes waiting for a decision, oldest first. */
export const handler = passRoute(httpHandler({
  body: z.undefined({ error: 'This route takes no body' }),
  handle: async () => ({ passes: await reviewQueue(storeFromEnv()) }),
}));
