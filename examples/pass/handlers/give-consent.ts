import { httpHandler } from '../../shared/handler-kit';
import { setConsent } from '../domain/consent';
import { callerOf, passRoute, storeFromEnv } from '../domain/http';
import { ConsentBody } from '../domain/model';

/**
 * `POST /consents`: `{ applicant: { nationalIdType, nationalIdNumber }, allow }`: the caller (a
 * registered person) allows the holder of that document to list them as a traveller, or stops it.
 */
export const handler = passRoute(httpHandler({
  body: ConsentBody,
  handle: async ({ body, event }) => setConsent(storeFromEnv(), callerOf(event), body),
}));
