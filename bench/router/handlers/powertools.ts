import { Router } from '@aws-lambda-powertools/event-handler/http';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { Item } from './schema';

// Powertools' REST router alone, validating the same body (Standard Schema).
const app = new Router();
app.post('/items', async (reqCtx) => ({ statusCode: 201, body: { id: 'item-1', ...reqCtx.valid.req.body } }), { validation: { req: { body: Item } } });

export const handler = (event: APIGatewayProxyEvent, context: Context) => app.resolve(event, context);
