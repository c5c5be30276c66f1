import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { Caller } from './caller';
import { Conflict } from './errors';
import { keys } from './keys';
import { ConsentBody } from './model';
import { registrationOf } from './registration';
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
  const key = keys.consent(me.nationalIdType, me.nationalIdNumber, nationalIdType, nationalIdNumber);
  if (body.allow) {
    await store.client.send(new PutCommand({ TableName: store.tableName, Item: { ...key, type: 'consent', sub: caller.sub, givenAt: now.toISOString() } }));
  } else {
    await store.client.send(new DeleteCommand({ TableName: store.tableName, Key: key }));
  }
  return { applicant: body.applicant, allow: body.allow };
}

/** Whether the holder of `traveller`'s document allows the holder of `applicant`'s to list them. */
type Document = { nationalIdType: string; nationalIdNumber: string };

export async function allowsListing(store: PassStore, traveller: Document, applicant: Document): Promise<boolean> {
  const out = await store.client.send(new GetCommand({
    TableName: store.tableName,
    Key: keys.consent(traveller.nationalIdType, traveller.nationalIdNumber, applicant.nationalIdType, applicant.nationalIdNumber),
    ConsistentRead: true,
  }));
  return out.Item !== undefined;
}
