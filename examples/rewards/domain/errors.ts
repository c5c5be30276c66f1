/**
 * What the rewards domain refuses, in its own words: never HTTP. The handlers' HTTP mapping
 * (handlers/http/route.ts) gives each its status code.
 */

/** What kind of refusal: the HTTP edge maps each to one status. */
export type RefusalKind =
  /** The state changed under the caller: a stale rules edit, a used code, too few points (409). */
  | 'conflict'
  /** A business rule refuses it as asked (422). */
  | 'rule'
  /** Something it names does not exist (404). */
  | 'not-found'
  /** The caller may not do this (403). */
  | 'forbidden'
  /** Too many writes on the same items at once: nothing was applied, try again shortly (503). */
  | 'busy';

export class Refusal extends Error {
  constructor(readonly kind: RefusalKind, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
    this.name = 'Refusal';
  }
}

/** The edit was made against a version that is no longer the current one. */
export const staleRules = (expected: number, current: number) =>
  new Refusal('conflict', 'StaleRules', `The rules are at version ${current}, not ${expected}: read them again and edit the current version`, { expectedVersion: expected, currentVersion: current });

export const noRules = () => new Refusal('not-found', 'NoRules', 'No business rules have been created yet');

export const insufficientBalance = (party: string, needed: number) =>
  new Refusal('conflict', 'InsufficientBalance', `The balance of ${party} is below the ${needed} points this transaction takes; nothing was applied`, { party, needed });

export const unknownParty = (party: string, kinds: readonly string[]) =>
  new Refusal('rule', 'UnknownParty', `${party} is not a ${kinds.join(' or ')} with an account`, { party, kinds });

export const codeUsed = () => new Refusal('conflict', 'CodeUsed', 'This encounter code was already used; ask for a new one');
