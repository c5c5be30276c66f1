import { httpHandler } from '../../shared/handler-kit';
import { callerOf, passRoute, storeFromEnv } from '../domain/http';
import { PassIdParams, RevokeBody } from '../domain/model';
import { revoke } from '../domain/passes';

/** `POST /passes/{passId}/revoke` (reviewer, admin): `{ reason }`; checks of the pass answer `revoked` from then on. */
export const handler = passRoute(httpHandler({
  body: RevokeBody,
  params: PassIdParams,
  handle: async ({ body, params, event }) => revoke(storeFromEnv(), callerOf(event), params.passId, body.reason),
}));
