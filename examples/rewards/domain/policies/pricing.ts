import { Refusal } from '../errors';
import type { KindRule, RuleSet, TransactionKind } from '../model';
import type { UserKind } from '../settings';

/**
 * The pricing rules as plain functions (the time a parameter): who may be the parties of each
 * kind of transaction, and what a transaction changes each party's balance by under a version of
 * the rules. Storage applies the changes in one DynamoDB transaction whose conditions enforce the
 * parties' kinds and that no balance goes below zero; this module gives the numbers.
 */

/** Who pays or gives (`from`) and who receives (`to`) in each kind, by user kind. */
export const PARTIES: Record<TransactionKind, { readonly from: readonly UserKind[]; readonly to: readonly UserKind[] }> = {
  encounter: { from: ['civilian'], to: ['officer'] },
  donation: { from: ['civilian', 'officer', 'merchant'], to: ['charity', 'family'] },
  giveaway: { from: ['officer'], to: ['officer'] },
  exchange: { from: ['civilian'], to: ['merchant'] },
};

/** A transaction once its parties are known (the encounter's civilian comes from its code). */
export interface TransactionDraft {
  readonly transactionId: string;
  readonly kind: TransactionKind;
  readonly from: string;
  readonly to: string;
  readonly units: number;
  /** What was exchanged (exchanges only). */
  readonly goods?: string;
}

/** One party's balance change and the kinds it must be of. */
export interface BalanceChange {
  readonly party: string;
  readonly kinds: readonly UserKind[];
  /** Points added (negative: taken; the balance must hold them). */
  readonly delta: number;
}

/** A transaction priced under one version of the rules. */
export interface PricedTransaction extends TransactionDraft {
  readonly rulesVersion: number;
  readonly changes: readonly BalanceChange[];
}

/** Whether `now` falls in the rule's UTC window (no window: always). */
export function inWindow(rule: KindRule, now: Date): boolean {
  if (!rule.window) return true;
  const hour = now.getUTCHours();
  return hour >= rule.window.startHour && hour < rule.window.endHour;
}

/**
 * Prices a transaction under `rules` of `version`: each party's change is its points per unit times
 * the units. Refuses (a rule refusal, 422) a disabled kind, a time outside its window, more units
 * than the rule allows and a party paying itself. Writes nothing.
 */
export function price(draft: TransactionDraft, rules: RuleSet, version: number, now: Date): PricedTransaction {
  const rule = rules[draft.kind];
  if (!rule.enabled) throw new Refusal('rule', 'KindDisabled', `${draft.kind} transactions are not accepted under rules version ${version}`, { kind: draft.kind, rulesVersion: version });
  if (!inWindow(rule, now)) {
    throw new Refusal('rule', 'OutsideWindow', `${draft.kind} transactions are accepted from ${rule.window!.startHour}:00 to ${rule.window!.endHour}:00 UTC`, { kind: draft.kind, window: rule.window });
  }
  if (draft.units > rule.maxUnits) {
    throw new Refusal('rule', 'TooManyUnits', `units: ${draft.units} is more than the ${rule.maxUnits} a ${draft.kind} may carry`, { field: 'units', maxUnits: rule.maxUnits });
  }
  if (draft.from === draft.to) throw new Refusal('rule', 'SameParty', 'A transaction needs two different parties');
  const parties = PARTIES[draft.kind];
  return {
    ...draft,
    rulesVersion: version,
    changes: [
      { party: draft.from, kinds: parties.from, delta: rule.fromPointsPerUnit * draft.units },
      { party: draft.to, kinds: parties.to, delta: rule.toPointsPerUnit * draft.units },
    ],
  };
}

/** The rules a new system starts with (the admins' first create usually sends these, edited). */
export const STARTER_RULES: RuleSet = {
  encounter: { enabled: true, fromPointsPerUnit: 10, toPointsPerUnit: 5, maxUnits: 1 },
  donation: { enabled: true, fromPointsPerUnit: -1, toPointsPerUnit: 1, maxUnits: 1000 },
  giveaway: { enabled: true, fromPointsPerUnit: -1, toPointsPerUnit: 1, maxUnits: 100 },
  exchange: { enabled: true, fromPointsPerUnit: -1, toPointsPerUnit: 1, maxUnits: 1000 },
};
