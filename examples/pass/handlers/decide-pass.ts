import { callerOf, passApi } from './http/route';
import { DecisionBody, PassIdParams } from '../domain/model';
import { decide } from '../domain/passes';
import { loadRules, loadSigningKey } from '../domain/rules';
import { storeFromEnv } from '../storage/table';

/**
 * `POST /passes/{passId}/decision` (reviewer): `{ decision: approve | reject, reason }`. Records who
 * and when; a pass already decided answers 409 (so of two reviewers racing, one gets 200, one 409);
 * a reviewer who owns the pass or travels on it is refused (403, recorded).
 */
export const handler = passApi({
  body: DecisionBody,
  params: PassIdParams,
  handle: async ({ body, params, event }) => {
    const caller = callerOf(event);
    const [key, rules] = body.decision === 'approve' ? await Promise.all([loadSigningKey(), loadRules()]) : [undefined, undefined];
    return decide(storeFromEnv(), key!, caller, params.passId, body.decision, body.reason, new Date(), rules?.maxPassesPerPersonPerDay);
  },
});
