import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics } from '@cdk-rampart/lambda-kit';
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
    const store = storeFromEnv();
    const decided = await decide(store, key!, caller, params.passId, body.decision, body.reason, new Date(), rules?.maxPassesPerPersonPerDay);
    metrics.addMetric(body.decision === 'approve' ? 'PassesApproved' : 'PassesRejected', MetricUnit.Count, 1); // the service dashboard
    metrics.addMetric('ReviewsDecided', MetricUnit.Count, 1);
    return decided;
  },
});
