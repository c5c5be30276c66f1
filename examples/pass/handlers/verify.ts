import { httpHandler } from '../../shared/handler-kit';
import { callerOf, passRoute, storeFromEnv } from '../domain/http';
import { VerifyBody } from '../domain/model';
import { loadSigningKey } from '../domain/rules';
import { checkPass } from '../domain/verification';

/**
 * `POST /verify` (police): `{ qr | passNumber, checkpoint, latitude?, longitude? }` →
 * `{ result: valid | expired | not-yet-valid | revoked | not-approved | unknown | tampered, pass? }`;
 * every check is logged for audit.
 */
export const handler = passRoute(httpHandler({
  body: VerifyBody,
  handle: async ({ body, event }) => {
    const key = await loadSigningKey();
    return checkPass(storeFromEnv(), [key.publicJwk], callerOf(event), body, event.requestContext?.identity?.sourceIp ?? 'unknown');
  },
}));
