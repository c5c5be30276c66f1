import { httpHandler } from '../../shared/handler-kit';
import { callerOf, passRoute, storeFromEnv } from '../domain/http';
import { identityVerifierFromEnv } from '../domain/identity';
import { RegistrationBody } from '../domain/model';
import { register } from '../domain/registration';

/**
 * `POST /registrations`: the caller's one registration, after the identity verifier confirms the
 * evidence proves they hold the document (422 otherwise, nothing stored); 409 if they are
 * registered already, or the document is registered to another account (`claim: true` moves it).
 */
export const handler = passRoute(httpHandler({
  body: RegistrationBody,
  successStatus: 201,
  handle: async ({ body, event }) => register(storeFromEnv(), identityVerifierFromEnv(), callerOf(event), body),
}));
