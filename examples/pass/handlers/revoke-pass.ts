import { callerOf, passApi } from './http/route';
import { PassIdParams, RevokeBody } from '../domain/model';
import { revoke } from '../domain/passes';
import { storeFromEnv } from '../storage/table';

/** `POST /passes/{passId}/revoke` (reviewer, admin): `{ reason }`; checks of the pass answer `revoked` from then on. */
export const handler = passApi({
  body: RevokeBody,
  params: PassIdParams,
  handle: async ({ body, params, event }) => revoke(storeFromEnv(), callerOf(event), params.passId, body.reason),
});
