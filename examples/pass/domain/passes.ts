import { randomUUID } from 'crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { logger } from '@cdk-rampart/lambda-kit';
import type { Caller } from './caller';
import { Conflict, NotFound, NotPermitted, RuleRefusal } from './errors';
import { dayOf, newPassId } from './ids';
import { PassApplication, PassItem, StoredTraveller, TravellerInput } from './model';
import { newRequestToken, passIdFor, requestHashOf } from './outbox';
import { conflictOfInterest } from './policies/conflict-of-interest';
import { overCap, overlapping } from './policies/travel-time';
import { documentsToLookUp, resolveTravellers, type ListingAnswer } from './policies/travellers';
import { isHome } from './regions';
import { registrationOf, RegistrationView } from './registration';
import { ACCOUNT_DAILY_APPLICATIONS } from './settings';
import { signPass, type SigningKey } from './signing';
import { AuditRepository } from '../storage/audit-repository';
import { ConsentRepository } from '../storage/consent-repository';
import { everyRegion, PassRepository, type Decider } from '../storage/pass-repository';
import { RegistrationRepository } from '../storage/registration-repository';
import type { PassStore } from '../storage/table';

export type { Decider } from '../storage/pass-repository';

/** Where applications are queued for the rules worker. */
export interface ApprovalQueue {
  readonly client: SQSClient;
  readonly queueUrl: string;
}

/** The message the rules worker receives: just the pass number; the item is the truth. */
export interface ApprovalMessage {
  readonly passId: string;
}

/**
 * The travellers of an application as the pass stores them (the `resolveTravellers` policy), with
 * what the registrations say about each registered person the applicant names: who holds the
 * document, and whether they allowed this applicant to list them.
 */
export async function travellersOf(
  store: PassStore, caller: Caller, applicant: RegistrationView, travellers: TravellerInput[],
): Promise<StoredTraveller[]> {
  const wanted = documentsToLookUp(applicant, travellers);
  const registrations = new RegistrationRepository(store);
  const consents = new ConsentRepository(store);
  const answers = new Map(await Promise.all(wanted.map(async (d): Promise<[string, ListingAnswer]> => {
    const [owner, allowed] = await Promise.all([registrations.ownerOf(d), consents.allows(d, applicant)]);
    return [`${d.nationalIdType}#${d.nationalIdNumber}`, { owner, allowed }];
  })));
  return resolveTravellers({ ...applicant, sub: caller.sub }, travellers, (d) => answers.get(`${d.nationalIdType}#${d.nationalIdNumber}`));
}

/**
 * A new application: a `pending` pass stored with one more application on the applicant's count
 * of the day (only below `ACCOUNT_DAILY_APPLICATIONS`: one account cannot flood the queue or a
 * district's quota), and nothing else: the table's stream queues the pass for the rules worker
 * and a sweeper re-queues any left pending (see outbox.ts). The applicant must be registered
 * (their name is the holder's), and every traveller resolved (`resolveTravellers`).
 *
 * With an `idempotencyKey`, the pass number is derived from the caller and the key, so the stored
 * pass is itself the idempotency record: a retry of the same application (after a lost answer, a
 * 503, a timeout) finds it and answers it, whatever happened to the first attempt; the same key
 * with another application is refused. The write carries a token of this invocation, so the SDK
 * retrying its own write (the first reached DynamoDB, its answer did not) reads as the success it
 * is, not as a conflict.
 */
export async function applyForPass(
  store: PassStore, caller: Caller, body: PassApplication, options: { idempotencyKey?: string; now?: Date } = {},
): Promise<PassItem> {
  const now = options.now ?? new Date();
  const registration = await registrationOf(store, caller.sub);
  if (!registration) throw new Conflict('Register first: POST /registrations');
  const travellers = await travellersOf(store, caller, registration, body.travellers);
  const placement = store.placement;
  const passId = options.idempotencyKey ? passIdFor(caller.sub, options.idempotencyKey, placement?.here) : newPassId();
  const requestToken = newRequestToken();
  const requestHash = requestHashOf(body);
  if (placement && options.idempotencyKey) {
    // A retry of an application first made in another region (and replicated here) answers that pass.
    for (const region of placement.regions.filter((r) => r !== placement.here)) {
      const earlier = await new PassRepository(store).findApplication(passIdFor(caller.sub, options.idempotencyKey, region));
      if (earlier?.pass.ownerSub !== caller.sub) continue;
      if (earlier.requestHash !== requestHash) throw new RuleRefusal('This Idempotency-Key was used with a different application');
      return earlier.pass;
    }
  }
  const start = new Date(body.startTime);
  const item: PassItem = {
    passId,
    ownerSub: caller.sub,
    holderName: registration.name,
    holderDocument: { nationalIdType: registration.nationalIdType, nationalIdNumber: registration.nationalIdNumber },
    travellers,
    from: body.from,
    to: body.to,
    startTime: start.toISOString(),
    endTime: new Date(start.getTime() + body.durationMinutes * 60_000).toISOString(),
    durationMinutes: body.durationMinutes,
    reason: body.reason,
    note: body.note,
    vehicle: body.vehicle,
    status: 'pending',
    createdAt: now.toISOString(),
    ...(placement ? { homeRegion: placement.here } : {}),
  };
  const stored = await new PassRepository(store).apply(item, { requestToken, requestHash }, { day: dayOf(now), cap: ACCOUNT_DAILY_APPLICATIONS });
  if (stored.result === 'stored') return item;
  if (stored.result === 'account-cap') {
    throw new RuleRefusal(`You have made ${ACCOUNT_DAILY_APPLICATIONS} applications today, the most one account may make; nothing was stored, apply again tomorrow`);
  }
  // The pass number is taken: our own earlier write (an SDK retry, a client retry with the key), or not.
  const earlier = stored.stored;
  if (earlier?.requestToken === requestToken) return earlier.pass;
  if (options.idempotencyKey && earlier?.pass.ownerSub === caller.sub) {
    if (earlier.requestHash !== requestHash) throw new RuleRefusal('This Idempotency-Key was used with a different application');
    return earlier.pass;
  }
  logger.error('A new pass number is taken', { passId });
  throw new Conflict('Please try again');
}

/** The caller's own pass; another user's pass looks missing (no hint that it exists). */
export async function ownPass(store: PassStore, caller: Caller, passId: string): Promise<PassItem> {
  const pass = await new PassRepository(store).get(passId, true);
  if (!pass || pass.ownerSub !== caller.sub) throw new NotFound(`No pass ${passId}`);
  return pass;
}

/** The caller's passes, newest first, 20 a page (`cursor` continues), without their QR text. */
export async function listPasses(store: PassStore, caller: Caller, cursor?: string): Promise<{ passes: PassItem[]; cursor?: string }> {
  const page = await new PassRepository(store).listByOwner(caller.sub, cursor);
  return {
    passes: page.passes.map((p) => {
      const { token, ...summary } = p;
      void token;
      return summary as PassItem;
    }),
    cursor: page.cursor,
  };
}

/** Passes waiting for a reviewer, oldest first. */
export async function reviewQueue(store: PassStore, limit = 50): Promise<PassItem[]> {
  return new PassRepository(store).reviewQueue(limit);
}

/** The claims a pass is signed with. */
export function claimsOf(pass: PassItem): Parameters<typeof signPass>[1] {
  const nbf = Math.floor(Date.parse(pass.startTime) / 1000);
  return { pid: pass.passId, nbf, exp: nbf + pass.durationMinutes * 60 };
}

/**
 * The store a pass's state changes are written to: this region's, or (multi-region) the replica of
 * the pass's home region, so that every decision of one pass is a conditional write on one replica
 * and of two regions deciding it at once exactly one wins. A home region that does not answer is
 * a 503 (the same request may be sent again), never a decision written elsewhere.
 */
function homeStore(store: PassStore, pass: PassItem): PassStore {
  const placement = store.placement;
  if (!placement || isHome(placement, pass.homeRegion)) return store;
  if (!store.replicaIn || !pass.homeRegion) throw new Conflict(`Pass ${pass.passId} is decided in its home region ${pass.homeRegion ?? 'unknown'}`);
  return store.replicaIn(pass.homeRegion);
}

/**
 * A reviewer's decision on a pass waiting for review. A reviewer who owns the pass or travels on
 * it is refused (`conflictOfInterest`) and the refusal is recorded in the audit log (who, when,
 * why). One conditional write decides it (status must still be `needs-review`), so a second
 * decision, or a second reviewer racing the first, is a conflict and changes nothing. An approval
 * is signed and recorded on each traveller in the same write, and is refused if a traveller
 * meanwhile holds an overlapping approved pass, or their day's cap of passes.
 */
export async function decide(
  store: PassStore, key: SigningKey, caller: Caller, passId: string, decision: 'approve' | 'reject', why: string, now = new Date(), personDailyCap = Infinity,
): Promise<PassItem> {
  const passes = new PassRepository(store);
  const pass = await passes.get(passId, true);
  if (!pass) throw new NotFound(`No pass ${passId}`);
  const home = homeStore(store, pass);
  if (home !== store) return decide(home, key, caller, passId, decision, why, now, personDailyCap);
  const mine = await registrationOf(store, caller.sub);
  const conflict = conflictOfInterest(pass, caller, mine);
  if (conflict) {
    const reviewer = { sub: caller.sub, name: caller.name };
    await new AuditRepository(store).recordRefusal({ id: randomUUID(), passId, reviewer, decision, conflict, at: now.toISOString() });
    throw new NotPermitted(conflict === 'owner' ? 'You cannot decide your own pass; another reviewer will' : 'You cannot decide a pass you travel on; another reviewer will');
  }
  if (pass.status !== 'needs-review') throw new Conflict(`Pass ${passId} is ${pass.status}; only passes waiting for review can be decided`);
  const by: Decider = { kind: 'reviewer', sub: caller.sub, name: caller.name };
  if (decision === 'reject') {
    if (!(await passes.setOutcome(passId, 'needs-review', 'rejected', by, why, now))) throw new Conflict(`Pass ${passId} was decided by someone else`);
  } else {
    const lists = await passes.travellerLists(pass);
    const clash = overlapping(pass, everyRegion(lists));
    if (clash) throw new Conflict(`A traveller already holds approved pass ${clash} for an overlapping time; reject this one`);
    const full = overCap(pass, everyRegion(lists), personDailyCap);
    if (full !== undefined) throw new Conflict(`${pass.travellers[full].name} already holds ${personDailyCap} passes for that day; reject this one`);
    const token = await signPass(key, claimsOf(pass));
    const written = await passes.approve(pass, 'needs-review', token, by, why, lists, now);
    if (written.result === 'pass-changed') throw new Conflict(`Pass ${passId} was decided by someone else`);
    if (written.result === 'travellers-changed') throw new Conflict('A traveller\'s passes changed while deciding; reload and decide again');
    if (written.result === 'cancelled') throw written.error;
  }
  return (await passes.get(passId, true))!;
}

/**
 * Revokes an approved pass (a reviewer or an admin); a check of it answers `revoked` from then on,
 * and its travellers' time is free again: in the same write the pass leaves each traveller's list
 * of approved passes (guarded by its version; a concurrent change reads again, up to 5 times), so
 * they can be issued another pass for that time.
 */
export async function revoke(store: PassStore, caller: Caller, passId: string, why: string, now = new Date()): Promise<PassItem> {
  const passes = new PassRepository(store);
  for (let attempt = 0; ; attempt++) {
    const pass = await passes.get(passId, true);
    if (!pass) throw new NotFound(`No pass ${passId}`);
    const home = homeStore(store, pass);
    if (home !== store) return revoke(home, caller, passId, why, now);
    if (pass.status !== 'approved') throw new Conflict(`Pass ${passId} is ${pass.status}; only approved passes can be revoked`);
    const lists = await passes.travellerLists(pass);
    if (await passes.revoke(pass, { sub: caller.sub, name: caller.name }, why, lists, now) === 'revoked') return (await passes.get(passId, true))!;
    // The pass changed (revoked meanwhile: the next round answers a conflict), or a traveller's list did: read again.
    if (attempt >= 4) throw new Conflict('The pass or its travellers changed while revoking; try again');
  }
}
