import { httpHandler } from '@cdk-rampart/lambda-kit';
import { Item } from './schema';

// The kit's handler: zod validation, required groups, typed errors, the request budget, and
// Powertools Logger, Metrics and Tracer (created when the kit loads).
export const handler = httpHandler({
  body: Item,
  successStatus: 201,
  handle: async ({ body }) => ({ id: 'item-1', ...body }),
});
