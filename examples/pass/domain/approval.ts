import { dayOf, shardOf } from './ids';
import { claimsOf } from './passes';
import { evaluate } from './policies/approval-rules';
import { quotaFor, shardCaps, shardOrder } from './policies/district-quota';
import { overCap, overlapping } from './policies/travel-time';
import { isHome, quotaShardHome } from './regions';
import type { Rules } from './rules';
import { signPass, type SigningKey } from './signing';
import { everyRegion, PassRepository, type Decider } from '../storage/pass-repository';
import type { PassStore } from '../storage/table';

/** What the worker did with one application. */
export type ApprovalOutcome =
  | { readonly passId: string; readonly result: 'approved' | 'rejected' | 'needs-review'; readonly why: string }
  | { readonly passId: string; readonly result: 'skipped'; readonly why: string };

/** A concurrent change the worker cannot resolve now: the message is retried (a partial batch failure). */
export class RetryLaterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetryLaterError';
  }
}

const RULES: Decider = { kind: 'rules' };

/**
 * Decides one application by the rules. Idempotent: a pass that is no longer `pending` (a
 * redelivered message) is skipped, and every outcome is a write conditional on `pending`, so a
 * message processed twice, or by two workers at once, decides the pass once.
 *
 * 1. Static rules (duration limit per reason, reasons rejected / approved outright, else review).
 * 2. Overlap: a traveller already holding an approved pass for an overlapping time → rejected;
 *    so is one already holding the day's cap of passes (`maxPassesPerPersonPerDay`).
 * 3. An approval is signed and written in one transaction with (a) each traveller's list of
 *    approved passes, guarded by its version (a concurrent approval for the same person makes the
 *    transaction fail, and the retry sees the overlap), and (b) one shard of the departure
 *    district's daily quota counter, incremented only below the shard's share of the quota. A full
 *    shard moves on to the next; when every shard is full the application is rejected.
 */
export async function processApplication(
  store: PassStore, rules: Rules, key: SigningKey, passId: string, now = new Date(),
): Promise<ApprovalOutcome> {
  const passes = new PassRepository(store);
  const pass = await passes.get(passId, true);
  if (!pass) return { passId, result: 'skipped', why: 'no such pass' };
  if (pass.status !== 'pending') return { passId, result: 'skipped', why: `already ${pass.status}` };
  const placement = store.placement;
  // Multi-region: only the pass's home region decides it (its outbox queues only its own passes).
  if (placement && !isHome(placement, pass.homeRegion)) return { passId, result: 'skipped', why: `decided in its home region ${pass.homeRegion}` };

  const decided = async (result: 'rejected' | 'needs-review', why: string): Promise<ApprovalOutcome> => {
    const done = await passes.setOutcome(passId, 'pending', result, RULES, why, now);
    return done ? { passId, result, why } : { passId, result: 'skipped', why: 'decided concurrently' };
  };

  const verdict = evaluate(pass, rules);
  if (verdict.outcome === 'reject') return decided('rejected', verdict.why);

  const lists = await passes.travellerLists(pass);
  if (rules.rejectOverlapping) {
    const clash = overlapping(pass, everyRegion(lists));
    if (clash) return decided('rejected', `A traveller already holds approved pass ${clash} for an overlapping time`);
  }
  const full = overCap(pass, everyRegion(lists), rules.maxPassesPerPersonPerDay);
  if (full !== undefined) {
    return decided('rejected', `${pass.travellers[full].name} already holds ${rules.maxPassesPerPersonPerDay} passes for ${dayOf(pass.startTime)}, the most one person may hold for a day`);
  }
  if (verdict.outcome === 'review') return decided('needs-review', verdict.why);

  const quota = quotaFor(rules, pass.from.district);
  if (quota === 0) return decided('rejected', `No passes from ${pass.from.district} are issued now`);
  const caps = shardCaps(quota, rules.quotaShards);
  const day = dayOf(pass.startTime);
  const token = await signPass(key, claimsOf(pass));
  // Multi-region: the quota is split between the regions shard by shard; a region spends only its own shards.
  const shards = caps.map((_, s) => s).filter((s) => !placement || isHome(placement, quotaShardHome(placement, s)));
  for (const shard of shardOrder(shardOf(passId, shards.length || 1), shards.length).map((i) => shards[i])) {
    const quotaShard = { district: pass.from.district, day, shard, cap: caps[shard] };
    const written = await passes.approve(pass, 'pending', token, RULES, verdict.why, lists, now, quotaShard);
    if (written.result === 'approved') return { passId, result: 'approved', why: verdict.why };
    if (written.result === 'pass-changed') return { passId, result: 'skipped', why: 'decided concurrently' };
    if (written.result === 'quota-full') continue; // this shard is full: try the next one
    if (written.result === 'travellers-changed') throw new RetryLaterError(`Pass ${passId}: a traveller's passes changed concurrently (${written.detail}); retrying`);
    throw new RetryLaterError(`Pass ${passId}: transaction cancelled (${written.detail}); retrying`);
  }
  return decided('rejected', `The daily quota of ${quota} passes from ${pass.from.district} on ${day} is reached; apply for another day`);
}
