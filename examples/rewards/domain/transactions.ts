import { verifyEncounterCode } from './encounter-codes';
import { Refusal } from './errors';
import type { TransactionRequest } from './model';
import { price, type PricedTransaction, type TransactionDraft } from './policies/pricing';
import { readRules, type RulesRepository } from './rules';
import type { UserKind } from './settings';

/** A transaction as applied and recorded. */
export interface AppliedTransaction extends PricedTransaction {
  readonly createdAt: string;
}

/** An encounter code's nonce, used by the transaction that applies the encounter. */
export interface CodeNonce {
  readonly value: string;
  readonly expiresAt: Date;
}

/** What the ledger answers: applied, the id was applied before, or a refusal (nothing written). */
export type ApplyResult = { readonly applied: true } | { readonly duplicate: true } | { readonly refused: Refusal };

/** What applying a transaction came to. */
export interface ApplyOutcome {
  readonly transaction: AppliedTransaction;
  /** True when this id had been applied before with the same content: nothing changed now. */
  readonly replayed: boolean;
}

/**
 * Where balances and transactions are kept. The DynamoDB implementation
 * (storage/ledger-repository.ts) applies a priced transaction in ONE TransactWriteItems: the
 * transaction record (only if its id is new), every party's balance change (only if the party has
 * an account of an allowed kind and, for a debit, holds the points) and, for an encounter, its
 * code's nonce (only if unused). Either all of it is written or none.
 */
export interface LedgerRepository {
  /**
   * Applies `transaction` with its code nonce (encounters). Answers `applied`, or the refusal:
   * the id exists already (`duplicate`), or a `Refusal` (too few points, unknown party, used code).
   */
  apply(transaction: AppliedTransaction, nonce?: CodeNonce): Promise<ApplyResult>;
  /** A recorded transaction (strongly consistent), or undefined. */
  transaction(transactionId: string): Promise<AppliedTransaction | undefined>;
  /** A user's balance, or undefined without an account. */
  balance(userId: string): Promise<number | undefined>;
}

/** What a transaction needs besides its request. */
export interface ScoringStores {
  readonly rules: RulesRepository;
  readonly ledger: LedgerRepository;
  /** The encounter codes' signing key. */
  codeKey(): Promise<Uint8Array>;
}

/** The signed-in caller: its user id and the kinds (groups) it belongs to. */
export interface Caller {
  readonly userId: string;
  readonly kinds: readonly UserKind[];
}

function requireKind(caller: Caller, kinds: readonly UserKind[], what: string): void {
  if (!kinds.some((k) => caller.kinds.includes(k))) throw new Refusal('forbidden', 'WrongKind', `Only a ${kinds.join(' or ')} may ${what}`);
}

/** The parties of a request: the caller is always one of them. */
async function draftOf(
  stores: ScoringStores, caller: Caller, request: TransactionRequest, now: Date,
): Promise<{ draft: TransactionDraft; nonce?: CodeNonce }> {
  switch (request.kind) {
    case 'encounter': {
      requireKind(caller, ['officer'], 'present an encounter code');
      const code = await verifyEncounterCode(await stores.codeKey(), request.code, now);
      return {
        draft: { transactionId: request.transactionId, kind: 'encounter', from: code.civilianId, to: caller.userId, units: 1 },
        nonce: { value: code.nonce, expiresAt: code.expiresAt },
      };
    }
    case 'donation':
      requireKind(caller, ['civilian', 'officer', 'merchant'], 'donate');
      return { draft: { transactionId: request.transactionId, kind: 'donation', from: caller.userId, to: request.recipientId, units: request.units } };
    case 'giveaway':
      requireKind(caller, ['officer'], 'give points to an officer');
      return { draft: { transactionId: request.transactionId, kind: 'giveaway', from: caller.userId, to: request.officerId, units: request.units } };
    case 'exchange':
      requireKind(caller, ['civilian'], 'exchange points for goods');
      return { draft: { transactionId: request.transactionId, kind: 'exchange', from: caller.userId, to: request.merchantId, units: request.units, goods: request.goods } };
  }
}

function sameContent(a: TransactionDraft, b: TransactionDraft): boolean {
  return a.kind === b.kind && a.from === b.from && a.to === b.to && a.units === b.units && (a.goods ?? '') === (b.goods ?? '');
}

/**
 * Prices a transaction by the current rules (recording their version) and applies it once: a
 * transaction id sent again with the same content answers the recorded transaction and changes
 * nothing; with other content it is refused (409). Too few points is a 409 with nothing applied.
 */
export async function applyTransaction(
  stores: ScoringStores, caller: Caller, request: TransactionRequest, now: Date = new Date(),
): Promise<ApplyOutcome> {
  const { draft, nonce } = await draftOf(stores, caller, request, now);
  const rules = await readRules(stores.rules);
  const transaction: AppliedTransaction = { ...price(draft, rules.rules, rules.version, now), createdAt: now.toISOString() };
  const outcome = await stores.ledger.apply(transaction, nonce);
  if ('applied' in outcome) return { transaction, replayed: false };
  if ('refused' in outcome) throw outcome.refused;
  const recorded = await stores.ledger.transaction(draft.transactionId);
  if (recorded && sameContent(recorded, draft)) return { transaction: recorded, replayed: true };
  throw new Refusal('conflict', 'TransactionIdReused', `transactionId: ${draft.transactionId} was already applied with other content; use a new transaction id`, { field: 'transactionId' });
}

/** The caller's balance; 404 without an account. */
export async function readBalance(ledger: LedgerRepository, caller: Caller): Promise<{ userId: string; balance: number }> {
  const balance = await ledger.balance(caller.userId);
  if (balance === undefined) throw new Refusal('not-found', 'NoAccount', 'You have no rewards account yet');
  return { userId: caller.userId, balance };
}
