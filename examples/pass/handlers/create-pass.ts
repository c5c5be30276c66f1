import type { APIGatewayProxyEvent } from 'aws-lambda';
import { BadRequestError, httpHandler } from '../../shared/handler-kit';
import { callerOf, passRoute, storeFromEnv } from '../domain/http';
import { PassBody } from '../domain/model';
import { applyForPass } from '../domain/passes';

function idempotencyKeyOf(event: APIGatewayProxyEvent): string | undefined {
  const found = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === 'idempotency-key')?.[1] ?? undefined;
  if (found !== undefined && (found.length < 8 || found.length > 128)) throw new BadRequestError('Idempotency-Key must be 8 to 128 characters');
  return found;
}

/**
 * `POST /passes`: 202 with the pending pass; the table's stream queues it for the rules worker.
 * Send an `Idempotency-Key`: a retried application (after a lost answer or a 503) is stored once
 * and answered with that pass; the same key with another application answers 422.
 */
export const handler = passRoute(httpHandler({
  body: PassBody,
  successStatus: 202,
  handle: async ({ body, event }) => applyForPass(storeFromEnv(), callerOf(event), body, { idempotencyKey: idempotencyKeyOf(event) }),
}));
