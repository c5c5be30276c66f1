import { setConsent } from '../domain/consent';
import { callerOf, passApi } from './http/route';
import { ConsentBody } from '../domain/model';
import { storeFromEnv } from '../storage/table';

/**
 * `POST /consents`: `{ applicant: { nationalIdType, nationalIdNumber }, allow }`: the caller (a
 * registered person) allows the holder of that document to list them as a traveller, or stops it.
 */
export const handler = passApi({
  body: ConsentBody,
  handle: async ({ body, event }) => setConsent(storeFromEnv(), callerOf(event), body),
});
