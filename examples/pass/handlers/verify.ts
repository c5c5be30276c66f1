import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics } from '@cdk-rampart/lambda-kit';
import { callerOf, passApi } from './http/route';
import { loadPublishedKeys } from '../domain/key-set';
import { VerifyBody } from '../domain/model';
import { keysOfEveryRegion } from '../domain/region-keys';
import { checkPass } from '../domain/verification';
import { storeFromEnv } from '../storage/table';

/**
 * `POST /verify` (police): `{ qr | passNumber, checkpoint, latitude?, longitude? }` →
 * `{ result: valid | expired | not-yet-valid | revoked | not-approved | unknown | tampered, pass? }`;
 * every check is logged for audit.
 */
export const handler = passApi({
  body: VerifyBody,
  handle: async ({ body, event }) => {
    // The published public keys only: this function cannot read the signing secret.
    const store = storeFromEnv();
    // Multi-region: the other regions' keys too (a pass signed anywhere verifies here).
    const keys = await keysOfEveryRegion(store, await loadPublishedKeys());
    const checked = await checkPass(store, keys, callerOf(event), body, event.requestContext?.identity?.sourceIp ?? 'unknown');
    metrics.addMetric('PassesChecked', MetricUnit.Count, 1); // the service dashboard's checks per minute
    return checked;
  },
});
