import { httpHandler } from '../../shared/handler-kit';
import { callerOf, passRoute, storeFromEnv } from '../domain/http';
import { RegistrationBody } from '../domain/model';
import { register } from '../domain/registration';

/** `POST /registrations`: the caller's one registration; 409 if they, or their national ID, are registered already. */
export const handler = passRoute(httpHandler({
  body: RegistrationBody,
  successStatus: 201,
  handle: async ({ body, event }) => register(storeFromEnv(), callerOf(event), body),
}));
