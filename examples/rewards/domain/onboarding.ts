import * as z from 'zod';
import type { CatalogRepository } from './catalog';
import { Refusal } from './errors';
import type { IdVerifier } from './identity';
import type { UserKind } from './settings';

/**
 * Onboarding: a person or organisation signs up as one kind of user. Their identity is checked by
 * the ID verifier, a charity or family must be listed in the imported catalogs, then the user is
 * created in the directory (Cognito, its kind as a group) and given an account. The account's
 * creation is the commit point: the accounts table's stream brings it to the users stream as
 * `user-created`, so an event is never put for a user that was not created, nor lost for one that was.
 */
const Text = (max: number) => z.string().trim().min(1).max(max);
const Document = { documentNumber: z.string().regex(/^[A-Za-z0-9-]{2,40}$/, 'letters, digits and -, 2 to 40'), name: Text(120), evidence: Text(2000), email: z.email().max(254) };

export const SignUpRequest = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('civilian'), documentType: z.enum(['national-id', 'passport']), ...Document }),
  z.strictObject({ kind: z.literal('officer'), documentType: z.literal('police-badge'), ...Document }),
  z.strictObject({ kind: z.literal('merchant'), documentType: z.literal('business-registration'), ...Document }),
  z.strictObject({ kind: z.literal('charity'), documentType: z.literal('charity-registration'), ...Document }),
  z.strictObject({ kind: z.literal('family'), documentType: z.literal('family-case'), ...Document }),
]);
export type SignUpRequest = z.infer<typeof SignUpRequest>;

/** The user directory (Cognito on AWS): creates a user with its kind as its group. */
export interface UserDirectory {
  /**
   * Creates the user named `username` (or finds the one created by an earlier, interrupted
   * attempt: same username) in group `kind`; its user id (Cognito `sub`).
   */
  ensureUser(username: string, email: string, kind: UserKind): Promise<{ readonly userId: string }>;
}

/** Opens a user's account (storage/ledger-repository.ts `openAccount`); false when it exists already. */
export type AccountOpener = (userId: string, kind: UserKind, verification: string, now: Date) => Promise<boolean>;

export interface OnboardingStores {
  readonly verifier: IdVerifier;
  readonly catalog: CatalogRepository;
  readonly directory: UserDirectory;
  readonly openAccount: AccountOpener;
}

/** The directory's username for a document: one user per kind and document, whatever e-mail is given. */
export function usernameFor(request: Pick<SignUpRequest, 'kind' | 'documentType' | 'documentNumber'>): string {
  return `${request.kind}.${request.documentType}.${request.documentNumber.toLowerCase()}`;
}

/**
 * Signs a user up: 422 when the identity is not verified or a charity/family is not an active
 * catalog entry (nothing created), 409 when this document already has an account, 201 with the
 * user id otherwise. A retry after an interruption (user created, account not yet) completes it.
 */
export async function signUp(stores: OnboardingStores, request: SignUpRequest, now: Date = new Date()): Promise<{ userId: string; kind: UserKind }> {
  const { documentType, documentNumber, name, evidence } = request;
  const verdict = await stores.verifier.verify({ documentType, documentNumber, name, evidence });
  if (!verdict.verified) throw new Refusal('rule', 'IdentityNotVerified', `The identity could not be verified: ${verdict.reason}`, { field: 'evidence' });
  if (request.kind === 'charity' || request.kind === 'family') {
    const entry = await stores.catalog.get(request.kind, request.documentNumber);
    if (!entry?.active) {
      throw new Refusal('rule', 'NotInCatalog', `documentNumber: ${request.documentNumber} is not an active ${request.kind} in the registry's catalog`, { field: 'documentNumber' });
    }
  }
  const { userId } = await stores.directory.ensureUser(usernameFor(request), request.email, request.kind);
  if (!(await stores.openAccount(userId, request.kind, verdict.reference, now))) {
    throw new Refusal('conflict', 'AlreadySignedUp', `This ${request.documentType} already has a rewards account; sign in instead`, { field: 'documentNumber' });
  }
  return { userId, kind: request.kind };
}
