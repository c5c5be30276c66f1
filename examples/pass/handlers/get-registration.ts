import * as z from 'zod';
import { NotFoundError, httpHandler } from '../../shared/handler-kit';
import { callerOf, passRoute, storeFromEnv } from '../domain/http';
import { registrationOf } from '../domain/registration';

/** `GET /registrations/me`: the caller's registration, or 404 before they register. */
export const handler = passRoute(httpHandler({
  body: z.undefined({ error: 'This route takes no body' }),
  handle: async ({ event }) => {
    const found = await registrationOf(storeFromEnv(), callerOf(event).sub);
    if (!found) throw new NotFoundError('Not registered yet: POST /registrations');
    return found;
  },
}));
