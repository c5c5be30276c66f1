import { httpHandler } from '../../shared/handler-kit';
import { callerOf, passRoute, storeFromEnv } from '../domain/http';
import { DecisionBody, PassIdParams } from '../domain/model';
import { decide } from '../domain/passes';
import { loadSigningKey } from '../domain/rules';

/**
 * `POST /passes/{passId}/decision` (reviewer): `{ decision: approve | reject, reason }`. Records who
 * and when; a pass already decided answers 409 (so of two reviewers racing, one gets 200, one 409).
 */
export const handler = passRoute(httpHandler({
  body: DecisionBody,
  params: PassIdParams,
  handle: async ({ body, params, event }) => {
    const caller = callerOf(event);
    const key = body.decision === 'approve' ? await loadSigningKey() : undefined;
    return decide(storeFromEnv(), key!, caller, params.passId, body.decision, body.reason);
  },
}));
