import { NotFoundError } from '@cdk-rampart/lambda-kit';
import * as z from 'zod';
import { callerOf, passApi } from './http/route';
import { registrationOf } from '../domain/registration';
import { storeFromEnv } from '../storage/table';

/** `GET /registrations/me`: the caller's registration, or 404 before they register. */
export const handler = passApi({
  body: z.undefined({ error: 'This route takes no body' }),
  handle: async ({ event }) => {
    const found = await registrationOf(storeFromEnv(), callerOf(event).sub);
    if (!found) throw new NotFoundError('Not registered yet: POST /registrations');
    return found;
  },
});
