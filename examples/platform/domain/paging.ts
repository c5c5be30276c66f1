import * as z from 'zod';

/** How many of the newest a list answers when `latest` is absent. */
export const DEFAULT_LATEST = 5;

/** The contract's `latest` query parameter: 1 to 50. */
export const LatestQuery = z.object({ latest: z.coerce.number().int().min(1).max(50).default(DEFAULT_LATEST) });
