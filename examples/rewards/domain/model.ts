import * as z from 'zod';
import { USER_KINDS } from './settings';

/**
 * The shapes the domain shares with the HTTP edge: business rules and transaction requests. Every
 * object is strict (an unknown field is a caller mistake, refused before any write).
 */

/** The kinds of transaction, each priced by its own rule. */
export const TRANSACTION_KINDS = ['encounter', 'donation', 'giveaway', 'exchange'] as const;
export type TransactionKind = typeof TRANSACTION_KINDS[number];

const points = z.number().int().min(-10_000).max(10_000);

/** The UTC hours a kind of transaction is accepted in: [startHour, endHour). */
export const TimeWindow = z.strictObject({
  startHour: z.number().int().min(0).max(23),
  endHour: z.number().int().min(1).max(24),
}).refine((w) => w.startHour < w.endHour, { message: 'startHour must be before endHour', path: ['endHour'] });

/**
 * The rule of one kind of transaction: the points each party's balance changes by per unit
 * (negative: the party pays), the most units one transaction may carry, and when it is accepted.
 */
export const KindRule = z.strictObject({
  enabled: z.boolean(),
  fromPointsPerUnit: points,
  toPointsPerUnit: points,
  maxUnits: z.number().int().min(1).max(10_000),
  window: TimeWindow.optional(),
});
export type KindRule = z.infer<typeof KindRule>;

/** Every kind's rule: the business rules are data, one document per version. */
export const RuleSet = z.strictObject({
  encounter: KindRule,
  donation: KindRule,
  giveaway: KindRule,
  exchange: KindRule,
});
export type RuleSet = z.infer<typeof RuleSet>;

/** The rules of one version. */
export interface VersionedRules {
  readonly version: number;
  readonly rules: RuleSet;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

/** A create (expectedVersion 0) or an edit of the current version. */
export const RulesEdit = z.strictObject({
  expectedVersion: z.number().int().min(0).max(1_000_000_000),
  rules: RuleSet,
});
export type RulesEdit = z.infer<typeof RulesEdit>;

/** Ids of users and transactions: what Cognito subs and UUIDs look like, nothing that needs escaping. */
export const Id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$/, 'an id of 3 to 64 letters, digits, _ or -');
const Units = z.number().int().min(1).max(10_000);

/** A transaction as a party sends it; the caller is always one of its parties. */
export const TransactionRequest = z.discriminatedUnion('kind', [
  /** An officer presents the encounter code a civilian showed: both earn. */
  z.strictObject({ kind: z.literal('encounter'), transactionId: Id, code: z.string().min(16).max(4096) }),
  /** The caller gives points to a charity or a family in need. */
  z.strictObject({ kind: z.literal('donation'), transactionId: Id, recipientId: Id, units: Units }),
  /** An officer gives points to another officer. */
  z.strictObject({ kind: z.literal('giveaway'), transactionId: Id, officerId: Id, units: Units }),
  /** A civilian spends points for goods at a merchant. */
  z.strictObject({ kind: z.literal('exchange'), transactionId: Id, merchantId: Id, units: Units, goods: z.string().min(1).max(120) }),
]);
export type TransactionRequest = z.infer<typeof TransactionRequest>;

export const UserKind = z.enum(USER_KINDS);
