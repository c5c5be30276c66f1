import * as z from 'zod';
import { passApi } from './http/route';
import { reviewQueue } from '../domain/passes';
import { storeFromEnv } from '../storage/table';

/** `GET /review-queue` (reviewer): up to 50 passes waiting for a decision, oldest first. */
export const handler = passApi({
  body: z.undefined({ error: 'This route takes no body' }),
  handle: async () => ({ passes: await reviewQueue(storeFromEnv()) }),
});
