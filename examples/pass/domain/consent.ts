import * as z from 'zod';
import type { Caller } from './caller';
import { Conflict } from './errors';
import { ConsentBody } from './model';
import { registrationOf } from './registration';
import { ConsentRepository } from '../storage/consent-repository';
import type { PassStore } from '../storage/table';

/**
 * Consent to be listed: a registered person allows the holder of one document (an applicant) to
 * name them as a traveller, or withdraws that. Without it, an application listing them is refused,
 * so nobody can put another person's document on a pass (and block their own travel with it).
 * Consents belong to the person's verified document, not to an account.
 */
export async function setConsent(store: PassStore, caller: Caller, body: z.output<typeof ConsentBody>, now = new Date()) {
  const me = await registrationOf(store, caller.sub);
  if (!me) throw new Conflict('Register first: POST /registrations');
  const { nationalIdType, nationalIdNumber } = body.applicant;
  if (nationalIdType === me.nationalIdType && nationalIdNumber === me.nationalIdNumber) throw new Conflict('You may always list yourself');
  const consents = new ConsentRepository(store);
  if (body.allow) await consents.allow(me, body.applicant, caller.sub, now.toISOString());
  else await consents.withdraw(me, body.applicant);
  return { applicant: body.applicant, allow: body.allow };
}
