import type { PassItem, StoredTraveller } from '../model';

/** The answer of a roadside check. */
export const CHECK_RESULTS = ['valid', 'expired', 'not-yet-valid', 'revoked', 'not-approved', 'unknown', 'tampered'] as const;
export type CheckResult = (typeof CHECK_RESULTS)[number];

/** A document as a roadside check shows it: its type and last 4 characters, never the whole number. */
export interface DocumentHint {
  readonly type: string;
  readonly last: string;
}

export interface TravellerHint {
  readonly name: string;
  readonly kind: StoredTraveller['kind'];
  /** Applicant and registered travellers: the document to ask for. */
  readonly document?: DocumentHint;
  /** Dependants without an ID: their date of birth, and that the holder vouches for them. */
  readonly dateOfBirth?: string;
}

/** The last characters of a document number: 4, and never more than half of a short one. */
export function documentHint(type: string, number: string): DocumentHint {
  return { type, last: number.slice(-Math.min(4, Math.floor(number.length / 2))) };
}

/** The travellers as a roadside check shows them. */
export function travellerHints(travellers: readonly StoredTraveller[]): TravellerHint[] {
  return travellers.map((t) => {
    if (t.kind === 'dependant') return { name: t.name, kind: t.kind, dateOfBirth: t.dateOfBirth };
    const document = t.nationalIdType && t.nationalIdNumber ? documentHint(t.nationalIdType, t.nationalIdNumber) : undefined;
    return { name: t.name, kind: t.kind, document };
  });
}

type Judged = Pick<PassItem, 'status' | 'startTime' | 'endTime' | 'token'>;

/** What the stored pass says at `now`: missing, revoked, not approved, not yet or no longer valid, or valid. */
export function judge(pass: Judged | undefined, now: Date): CheckResult {
  if (!pass) return 'unknown';
  if (pass.status === 'revoked') return 'revoked';
  if (pass.status !== 'approved') return 'not-approved';
  const t = now.toISOString();
  if (t < pass.startTime) return 'not-yet-valid';
  if (t >= pass.endTime) return 'expired';
  return 'valid';
}

/**
 * The answer for a genuine QR text (its signature checked): as `judge`, except that a text which is
 * no longer the approved pass's current one (the pass was signed again since) is `revoked`.
 */
export function judgeToken(pass: Judged | undefined, presented: string, now: Date): CheckResult {
  return pass && pass.token !== undefined && pass.token !== presented && pass.status === 'approved' ? 'revoked' : judge(pass, now);
}
