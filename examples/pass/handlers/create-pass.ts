import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { BadRequestError, metrics } from '@cdk-rampart/lambda-kit';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { callerOf, headerOf, passApi } from './http/route';
import { PassBody } from '../domain/model';
import { applyForPass } from '../domain/passes';
import { storeFromEnv } from '../storage/table';

function idempotencyKeyOf(event: APIGatewayProxyEvent): string | undefined {
  const found = headerOf(event, 'Idempotency-Key');
  if (found !== undefined && (found.length < 8 || found.length > 128)) throw new BadRequestError('Idempotency-Key must be 8 to 128 characters');
  return found;
}

/**
 * `POST /passes`: 202 with the pending pass; the table's stream queues it for the rules worker.
 * Send an `Idempotency-Key`: a retried application (after a lost answer or a 503) is stored once
 * and answered with that pass; the same key with another application answers 422.
 */
export const handler = passApi({
  body: PassBody,
  successStatus: 202,
  handle: async ({ body, event }) => {
    const pass = await applyForPass(storeFromEnv(), callerOf(event), body, { idempotencyKey: idempotencyKeyOf(event) });
    metrics.addMetric('ApplicationsSubmitted', MetricUnit.Count, 1); // the service dashboard's applications per minute
    return pass;
  },
});
