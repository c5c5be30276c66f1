import type { PassItem } from '../model';
import type { Rules } from '../rules';

/** What the rules say before the checks that need stored state (overlap, caps, quota). */
export type Verdict = { readonly outcome: 'approve' | 'reject' | 'review'; readonly why: string };

/** The static rules: duration limit per reason, reasons rejected or approved outright, otherwise a reviewer. */
export function evaluate(pass: Pick<PassItem, 'reason' | 'durationMinutes'>, rules: Pick<Rules, 'maxDurationMinutes' | 'autoReject' | 'autoApprove'>): Verdict {
  const limit = rules.maxDurationMinutes[pass.reason];
  if (limit !== undefined && pass.durationMinutes > limit) {
    return { outcome: 'reject', why: `A ${pass.reason} pass lasts at most ${limit} minutes` };
  }
  if (rules.autoReject.includes(pass.reason)) return { outcome: 'reject', why: `Passes for ${pass.reason} are not issued now` };
  if (rules.autoApprove.includes(pass.reason)) return { outcome: 'approve', why: `Approved automatically: ${pass.reason}` };
  return { outcome: 'review', why: `A reviewer decides passes for ${pass.reason}` };
}
