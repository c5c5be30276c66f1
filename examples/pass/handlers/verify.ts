import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics } from '@cdk-rampart/lambda-kit';
import { callerOf, passApi } from './http/route';
import { loadPublishedKeys } from '../domain/key-set';
import { VerifyBody } from '../domain/model';
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
    const { keys } = await loadPublishedKeys();
    const checked = await checkPass(storeFromEnv(), keys, callerOf(event), body, event.requestContext?.identity?.sourceIp ?? 'unknown');
    metrics.addMetric('PassesChecked', MetricUnit.Count, 1); // the service dashboard's checks per minute
    return checked;
  },
});
