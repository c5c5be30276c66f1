import { callerOf, passApi } from './http/route';
import { identityVerifierFromEnv } from '../domain/identity';
import { RegistrationBody } from '../domain/model';
import { register } from '../domain/registration';
import { storeFromEnv } from '../storage/table';

/**
 * `POST /registrations`: the caller's one registration, after the identity verifier confirms the
 * evidence proves they hold the document (422 otherwise, nothing stored); 409 if they are
 * registered already, or the document is registered to another account (`claim: true` moves it).
 */
export const handler = passApi({
  body: RegistrationBody,
  successStatus: 201,
  handle: async ({ body, event }) => register(storeFromEnv(), identityVerifierFromEnv(), callerOf(event), body),
});
