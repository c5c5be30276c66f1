import * as z from 'zod/mini';

/** The one route both routers serve: POST /items with a validated JSON body, answered 201. */
export const Item = z.object({ name: z.string().check(z.minLength(1)), quantity: z.number().check(z.int(), z.positive()) });
