import { httpHandler } from '../../shared/handler-kit';
import { dynamoDbIdempotency } from '../../shared/handler-kit/idempotency';
import { approvalQueue } from '../domain/clients';
import { callerOf, passRoute, storeFromEnv } from '../domain/http';
import { PassBody } from '../domain/model';
import { applyForPass } from '../domain/passes';
import { PASS_ENV } from '../domain/settings';

/**
 * `POST /passes` (send an `Idempotency-Key`: a retried application is stored once and answered
 * with the first answer): 202 with the pending pass; the rules worker decides it from the queue.
 */
export const handler = passRoute(httpHandler({
  body: PassBody,
  successStatus: 202,
  idempotency: dynamoDbIdempotency(process.env[PASS_ENV.IDEMPOTENCY_TABLE]),
  handle: async ({ body, event }) => applyForPass(storeFromEnv(), approvalQueue(), callerOf(event), body),
}));
