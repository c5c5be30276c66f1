import { randomUUID } from 'crypto';
import type { Caller } from './caller';
import { Conflict, RuleRefusal } from './errors';
import type { IdentityVerifier } from './identity';
import { RegistrationInput } from './model';
import { registryOf } from './regions';
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
  const registrations = new RegistrationRepository(registryStore(store));
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

/**
 * The store registrations are written to: this region's, or (multi-region) the registry's replica.
 * One account per document is a uniqueness rule across every region, which last-writer-wins
 * replication cannot keep: two regions would each accept one of two accounts racing with one
 * document. So every registration is a transaction on one replica, the registry's (the first
 * region, or the region that adopted it after its loss); a registry that does not answer is a 503.
 */
export function registryStore(store: PassStore): PassStore {
  const placement = store.placement;
  if (!placement) return store;
  const registry = registryOf(placement);
  if (registry === placement.here) return store;
  if (!store.replicaIn) throw new Error(`Registrations are made in the registry region ${registry}, which this store cannot reach`);
  return store.replicaIn(registry);
}

/**
 * The caller's registration, or undefined. Multi-region: read here, and (not found) from the
 * registry, where a registration made a moment ago in any region is already.
 */
export async function registrationOf(store: PassStore, sub: string): Promise<RegistrationView | undefined> {
  const found = await new RegistrationRepository(store).get(sub);
  if (found || !store.placement) return found;
  const registry = registryStore(store);
  return registry === store ? undefined : new RegistrationRepository(registry).get(sub);
}
