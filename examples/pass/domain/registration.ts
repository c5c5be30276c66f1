import { randomUUID } from 'crypto';
import type { Caller } from './caller';
import { Conflict, RuleRefusal } from './errors';
import type { IdentityVerifier } from './identity';
import { RegistrationInput } from './model';
import { RegistrationRepository, type RegistrationRecord } from '../storage/registration-repository';
import type { PassStore } from '../storage/table';

/** A stored registration, as the citizen sees it. */
export type RegistrationView = RegistrationRecord;

/**
 * A registration, keyed on a verified identity. The identity verifier first checks that the
 * evidence proves this person (name, date of birth) holds this document; if it does not, nothing
 * is stored (a rule refusal), so a typed number alone never takes a document. Then the registration
 * and the document's owner item are stored together, both only if absent: one registration per
 * user, one account per document, and of two accounts racing with one document one wins. If the
 * document is already registered to another account, the caller, having just proved it is theirs,
 * may move it with `claim: true` (a lost account, or a document someone else got registered): the
 * other account's registration ends, in the same write, and a claim record keeps who moved it from where.
 */
export async function register(
  store: PassStore, verifier: IdentityVerifier, caller: Caller, input: RegistrationInput, now = new Date(),
): Promise<RegistrationView> {
  const { identityEvidence, claim, ...body } = input;
  const verdict = await verifier.verify({ ...body, evidence: identityEvidence });
  if (!verdict.verified) {
    throw new RuleRefusal(`The identity check failed: ${verdict.why}. Nothing was stored.`, [{ path: 'identityEvidence', message: 'does not prove this document is yours' }]);
  }
  const registeredAt = now.toISOString();
  const verifiedBy = { provider: verdict.provider, reference: verdict.reference, at: registeredAt };
  const registration: RegistrationRecord = { ...body, registeredAt, verifiedBy };
  const registrations = new RegistrationRepository(store);
  const created = await registrations.create(caller.sub, registration);
  if (created === 'created') return registration;
  if (created === 'already-registered') throw new Conflict('You are already registered');
  if (!claim) {
    throw new Conflict('This document is registered to another account. Your identity check shows it is yours: send claim: true to move it to this account (the other account\'s registration ends).');
  }
  const previous = (await registrations.ownerOf(body))?.sub;
  if (!previous || previous === caller.sub) throw new Conflict('The document\'s registration changed meanwhile; try again');
  const moved = await registrations.moveDocument(caller.sub, registration, previous, randomUUID());
  if (moved === 'already-registered') throw new Conflict('You are already registered');
  if (moved === 'changed') throw new Conflict('The document\'s registration changed meanwhile; try again');
  return registration;
}

/** The caller's registration, or undefined. */
export async function registrationOf(store: PassStore, sub: string): Promise<RegistrationView | undefined> {
  return new RegistrationRepository(store).get(sub);
}
