import { Router } from '@aws-lambda-powertools/event-handler/http';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { Item } from './schema';

// Powertools' REST router with what the kit's handler carries besides routing: Logger, Metrics and
// Tracer, created once per container, so the two bundles hold the same observability.
const logger = new Logger();
const metrics = new Metrics();
const tracer = new Tracer();
const app = new Router({ logger });
app.post('/items', async (reqCtx) => ({ statusCode: 201, body: { id: 'item-1', ...reqCtx.valid.req.body } }), { validation: { req: { body: Item } } });

export const handler = async (event: APIGatewayProxyEvent, context: Context) => {
  logger.addContext(context);
  try {
    return await app.resolve(event, context);
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    void tracer;
  }
};
