import { randomUUID } from 'crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { logger } from '@cdk-rampart/lambda-kit';
import type { Caller } from './caller';
import { Conflict, InvalidRequest, NotFound, NotPermitted, RuleRefusal } from './errors';
import { dayOf, newPassId, shardOf } from './ids';
import { keys } from './keys';
import { PassApplication, PassItem, StoredTraveller, TravellerInput } from './model';
import { newRequestToken, passIdFor, requestHashOf } from './outbox';
import { conflictOfInterest } from './policies/conflict-of-interest';
import { overCap, overlapping, keptOnList, type ActivePass } from './policies/travel-time';
import { documentsToLookUp, resolveTravellers, type ListingAnswer } from './policies/travellers';
import { registrationOf, RegistrationView } from './registration';
import { ACCOUNT_DAILY_APPLICATIONS, OWNER_INDEX, PENDING_SHARDS, REVIEW_INDEX, REVIEW_SHARDS } from './settings';
import { signPass, type SigningKey } from './signing';
import { ConsentRepository } from '../storage/consent-repository';
import { RegistrationRepository } from '../storage/registration-repository';
import { cancellationCodes, isConditionFailure, type PassStore } from '../storage/table';

/** Where applications are queued for the rules worker. */
export interface ApprovalQueue {
  readonly client: SQSClient;
  readonly queueUrl: string;
}

/** The message the rules worker receives: just the pass number; the item is the truth. */
export interface ApprovalMessage {
  readonly passId: string;
}

/** What the citizen sees of a pass (no keys, no other bookkeeping). */
export function passView(item: Record<string, unknown>): PassItem {
  const { pk, sk, ownerPk, ownerSk, reviewPk, reviewSk, requestToken, requestHash, ...rest } = item;
  void pk; void sk; void ownerPk; void ownerSk; void reviewPk; void reviewSk; void requestToken; void requestHash;
  return rest as unknown as PassItem;
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
 * A new application: one transaction of a `pending` pass and the applicant's count of
 * applications that day (only below `ACCOUNT_DAILY_APPLICATIONS`: one account cannot flood the
 * queue or a district's quota), and nothing else: the table's stream queues the pass for the rules
 * worker and a sweeper re-queues any left pending (see outbox.ts). The applicant must be registered
 * (their name is the holder's), and every traveller resolved (`resolveTravellers`).
 *
 * With an `idempotencyKey`, the pass number is derived from the caller and the key, so the stored
 * pass is itself the idempotency record: a retry of the same application (after a lost answer, a
 * 503, a timeout) finds it and answers it, whatever happened to the first attempt; the same key
 * with another application answers 422. The write carries a token of this invocation, so the SDK
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
  const passId = options.idempotencyKey ? passIdFor(caller.sub, options.idempotencyKey) : newPassId();
  const requestToken = newRequestToken();
  const requestHash = requestHashOf(body);
  const createdAt = now.toISOString();
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
    createdAt,
  };
  const counter = keys.accountDay(caller.sub, dayOf(now));
  const transaction = new TransactWriteCommand({
    TransactItems: [
      {
        Put: {
          TableName: store.tableName,
          Item: {
            ...keys.pass(passId),
            ...item,
            ownerPk: keys.ownerPk(caller.sub),
            ownerSk: `${createdAt}#${passId}`,
            // Pending: found by the outbox's sweeper until a decision removes these keys.
            reviewPk: keys.pendingPk(shardOf(passId, PENDING_SHARDS)),
            reviewSk: `${createdAt}#${passId}`,
            requestToken,
            requestHash,
          },
          // Never overwrites: a retry (or a repeated pass number) finds the stored pass instead.
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      {
        Update: {
          TableName: store.tableName,
          Key: counter,
          UpdateExpression: 'ADD #c :one',
          ConditionExpression: 'attribute_not_exists(#c) OR #c < :cap',
          ExpressionAttributeNames: { '#c': 'count' },
          ExpressionAttributeValues: { ':one': 1, ':cap': ACCOUNT_DAILY_APPLICATIONS },
        },
      },
    ],
  });

  /** The pass number is taken: our own earlier write (an SDK retry, a client retry with the key), or not. */
  const storedAnswer = async (error: unknown): Promise<PassItem> => {
    const raw = (error as { CancellationReasons?: { Item?: Record<string, AttributeValue> }[] }).CancellationReasons?.[0]?.Item;
    // Engines without ReturnValuesOnConditionCheckFailure: read what is stored instead.
    const stored = raw
      ? unmarshall(raw)
      : (await store.client.send(new GetCommand({ TableName: store.tableName, Key: keys.pass(passId), ConsistentRead: true }))).Item;
    // Our own write, retried by the SDK after its answer was lost.
    if (stored?.requestToken === requestToken) return passView(stored);
    if (options.idempotencyKey && stored?.ownerSub === caller.sub) {
      if (stored.requestHash !== requestHash) throw new RuleRefusal('This Idempotency-Key was used with a different application');
      return passView(stored);
    }
    logger.error('A new pass number is taken', { passId });
    throw new Conflict('Please try again');
  };

  // The same account applying twice at once collides on its counter (TransactionConflict): try again.
  for (let attempt = 1; ; attempt++) {
    try {
      await store.client.send(transaction);
      return item;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.[0] === 'ConditionalCheckFailed') return storedAnswer(error);
      if (codes?.[1] === 'ConditionalCheckFailed') {
        throw new RuleRefusal(`You have made ${ACCOUNT_DAILY_APPLICATIONS} applications today, the most one account may make; nothing was stored, apply again tomorrow`);
      }
      if (!codes?.includes('TransactionConflict') || attempt >= 5) throw error;
      await new Promise((r) => setTimeout(r, 20 * attempt + Math.floor(Math.random() * 30)));
    }
  }
}

/** The pass as stored, or undefined. */
export async function readPass(client: DynamoDBDocumentClient, tableName: string, passId: string, consistent = false): Promise<PassItem | undefined> {
  const out = await client.send(new GetCommand({ TableName: tableName, Key: keys.pass(passId), ConsistentRead: consistent }));
  return out.Item ? passView(out.Item) : undefined;
}

/** The caller's own pass; another user's pass answers 404 like a missing one (no hint that it exists). */
export async function ownPass(store: PassStore, caller: Caller, passId: string): Promise<PassItem> {
  const pass = await readPass(store.client, store.tableName, passId, true);
  if (!pass || pass.ownerSub !== caller.sub) throw new NotFound(`No pass ${passId}`);
  return pass;
}

function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}

function decodeCursor(cursor: string | undefined, sub: string): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // A cursor only continues the caller's own listing.
    if (key?.ownerPk !== keys.ownerPk(sub) || typeof key.pk !== 'string' || typeof key.ownerSk !== 'string' || Object.keys(key).length !== 4) throw new Error('foreign');
    return key;
  } catch {
    throw new InvalidRequest('Invalid cursor');
  }
}

/** The caller's passes, newest first, 20 a page (`cursor` continues). */
export async function listPasses(store: PassStore, caller: Caller, cursor?: string): Promise<{ passes: PassItem[]; cursor?: string }> {
  const out = await store.client.send(new QueryCommand({
    TableName: store.tableName,
    IndexName: OWNER_INDEX,
    KeyConditionExpression: 'ownerPk = :o',
    ExpressionAttributeValues: { ':o': keys.ownerPk(caller.sub) },
    ScanIndexForward: false,
    Limit: 20,
    ExclusiveStartKey: decodeCursor(cursor, caller.sub),
  }));
  return {
    passes: (out.Items ?? []).map((i) => {
      const { token, ...summary } = passView(i);
      void token;
      return summary as PassItem;
    }),
    cursor: encodeCursor(out.LastEvaluatedKey),
  };
}

/** Passes waiting for a reviewer, oldest first (the sparse index's shards read in parallel and merged). */
export async function reviewQueue(store: PassStore, limit = 50): Promise<PassItem[]> {
  const pages = await Promise.all(Array.from({ length: REVIEW_SHARDS }, (_, shard) => store.client.send(new QueryCommand({
    TableName: store.tableName,
    IndexName: REVIEW_INDEX,
    KeyConditionExpression: 'reviewPk = :r',
    ExpressionAttributeValues: { ':r': keys.reviewPk(shard) },
    Limit: limit,
  }))));
  return pages.flatMap((p) => p.Items ?? [])
    .sort((a, b) => String(a.reviewSk).localeCompare(String(b.reviewSk)))
    .slice(0, limit)
    .map(passView);
}

/** Who decided. */
export interface Decider {
  readonly kind: 'rules' | 'reviewer';
  readonly sub?: string;
  readonly name?: string;
}

/** The claims a pass is signed with. */
export function claimsOf(pass: PassItem): Parameters<typeof signPass>[1] {
  const nbf = Math.floor(Date.parse(pass.startTime) / 1000);
  return { pid: pass.passId, nbf, exp: nbf + pass.durationMinutes * 60 };
}

/** One traveller's approved passes still running (the overlap check), with the version guarding them. */
export interface PersonActive {
  readonly key: { pk: string; sk: string };
  readonly version: number;
  readonly active: ActivePass[];
}

/** The item holding a traveller's approved passes: their document's, or (a dependant) the applicant's declaration. */
export function personKeyOf(t: StoredTraveller, ownerSub: string): { pk: string; sk: string } {
  return t.kind === 'dependant' ? keys.dependant(ownerSub, t.name, t.dateOfBirth!) : keys.person(t.nationalIdType!, t.nationalIdNumber!);
}

export async function readPersons(store: PassStore, pass: PassItem): Promise<PersonActive[]> {
  return Promise.all(pass.travellers.map(async (t) => {
    const key = personKeyOf(t, pass.ownerSub);
    const out = await store.client.send(new GetCommand({ TableName: store.tableName, Key: key, ConsistentRead: true }));
    return { key, version: Number(out.Item?.version ?? 0), active: (out.Item?.active ?? []) as PersonActive['active'] };
  }));
}

/** The transaction items recording this pass on each traveller (optimistic: each guarded by its version). */
export function personUpdates(tableName: string, pass: PassItem, persons: PersonActive[], now: Date): NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> {
  return persons.map((p) => ({
    Update: {
      TableName: tableName,
      Key: p.key,
      UpdateExpression: 'SET #a = :a, #v = :next',
      ConditionExpression: p.version === 0 ? 'attribute_not_exists(pk)' : '#v = :v',
      ExpressionAttributeNames: { '#a': 'active', '#v': 'version' },
      ExpressionAttributeValues: {
        ':a': [...keptOnList(p.active, now), { passId: pass.passId, start: pass.startTime, end: pass.endTime }],
        ':next': p.version + 1,
        ...(p.version === 0 ? {} : { ':v': p.version }),
      },
    },
  }));
}

/** The update expression that records an approval on the pass, guarded by its expected status. */
export function approvalUpdate(tableName: string, pass: PassItem, expected: string, token: string, by: Decider, why: string, now: Date) {
  return {
    TableName: tableName,
    Key: keys.pass(pass.passId),
    UpdateExpression: 'SET #s = :approved, #t = :t, #da = :now, #db = :by, #dr = :why REMOVE reviewPk, reviewSk',
    ConditionExpression: '#s = :expected',
    ExpressionAttributeNames: { '#s': 'status', '#t': 'token', '#da': 'decidedAt', '#db': 'decidedBy', '#dr': 'decisionReason' },
    ExpressionAttributeValues: { ':approved': 'approved', ':t': token, ':now': now.toISOString(), ':by': by, ':why': why, ':expected': expected },
  };
}

/** Records a rejection (or a move to the review queue), guarded by the expected status. */
export async function setOutcome(store: PassStore, passId: string, expected: string, status: 'rejected' | 'needs-review', by: Decider, why: string, now: Date): Promise<boolean> {
  const review = status === 'needs-review';
  try {
    await store.client.send(new UpdateCommand({
      TableName: store.tableName,
      Key: keys.pass(passId),
      UpdateExpression: review
        ? 'SET #s = :status, #rr = :why, reviewPk = :rpk, reviewSk = :rsk'
        : 'SET #s = :status, #da = :now, #db = :by, #dr = :why REMOVE reviewPk, reviewSk',
      ConditionExpression: '#s = :expected',
      ExpressionAttributeNames: review ? { '#s': 'status', '#rr': 'reviewReason' } : { '#s': 'status', '#da': 'decidedAt', '#db': 'decidedBy', '#dr': 'decisionReason' },
      ExpressionAttributeValues: review
        ? { ':status': status, ':why': why, ':expected': expected, ':rpk': keys.reviewPk(shardOf(passId, REVIEW_SHARDS)), ':rsk': `${now.toISOString()}#${passId}` }
        : { ':status': status, ':now': now.toISOString(), ':by': by, ':why': why, ':expected': expected },
    }));
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/**
 * A reviewer's decision on a pass waiting for review. A reviewer who owns the pass or travels on
 * it is refused (403) and the refusal is recorded (`REFUSAL#<passId>`: who, when, why). One
 * conditional write decides it (status must still be `needs-review`), so a second decision, or a
 * second reviewer racing the first, gets 409 and changes nothing. An approval is signed and
 * recorded on each traveller in the same transaction, and is refused (409) if a traveller
 * meanwhile holds an overlapping approved pass, or their day's cap of passes.
 */
export async function decide(
  store: PassStore, key: SigningKey, caller: Caller, passId: string, decision: 'approve' | 'reject', why: string, now = new Date(), personDailyCap = Infinity,
): Promise<PassItem> {
  const pass = await readPass(store.client, store.tableName, passId, true);
  if (!pass) throw new NotFound(`No pass ${passId}`);
  const mine = await registrationOf(store, caller.sub);
  const conflict = conflictOfInterest(pass, caller, mine);
  if (conflict) {
    const at = now.toISOString();
    await store.client.send(new PutCommand({
      TableName: store.tableName,
      Item: { ...keys.refusal(passId, at, randomUUID()), type: 'refused-decision', passId, reviewer: { sub: caller.sub, name: caller.name }, decision, conflict, at },
    }));
    throw new NotPermitted(conflict === 'owner' ? 'You cannot decide your own pass; another reviewer will' : 'You cannot decide a pass you travel on; another reviewer will');
  }
  if (pass.status !== 'needs-review') throw new Conflict(`Pass ${passId} is ${pass.status}; only passes waiting for review can be decided`);
  const by: Decider = { kind: 'reviewer', sub: caller.sub, name: caller.name };
  if (decision === 'reject') {
    if (!(await setOutcome(store, passId, 'needs-review', 'rejected', by, why, now))) throw new Conflict(`Pass ${passId} was decided by someone else`);
  } else {
    const persons = await readPersons(store, pass);
    const clash = overlapping(pass, persons);
    if (clash) throw new Conflict(`A traveller already holds approved pass ${clash} for an overlapping time; reject this one`);
    const full = overCap(pass, persons, personDailyCap);
    if (full !== undefined) throw new Conflict(`${pass.travellers[full].name} already holds ${personDailyCap} passes for that day; reject this one`);
    const token = await signPass(key, claimsOf(pass));
    try {
      await store.client.send(new TransactWriteCommand({
        TransactItems: [
          { Update: approvalUpdate(store.tableName, pass, 'needs-review', token, by, why, now) },
          ...personUpdates(store.tableName, pass, persons, now),
        ],
      }));
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.[0] === 'ConditionalCheckFailed') throw new Conflict(`Pass ${passId} was decided by someone else`);
      if (codes?.some((c) => c === 'ConditionalCheckFailed' || c === 'TransactionConflict')) {
        throw new Conflict('A traveller\'s passes changed while deciding; reload and decide again');
      }
      throw error;
    }
  }
  return (await readPass(store.client, store.tableName, passId, true))!;
}

/**
 * Revokes an approved pass (a reviewer or an admin); a check of it answers `revoked` from then on,
 * and its travellers' time is free again: in the same transaction the pass leaves each traveller's
 * list of approved passes (guarded by its version; a concurrent change retries), so they can be
 * issued another pass for that time.
 */
export async function revoke(store: PassStore, caller: Caller, passId: string, why: string, now = new Date()): Promise<PassItem> {
  for (let attempt = 0; ; attempt++) {
    const pass = await readPass(store.client, store.tableName, passId, true);
    if (!pass) throw new NotFound(`No pass ${passId}`);
    if (pass.status !== 'approved') throw new Conflict(`Pass ${passId} is ${pass.status}; only approved passes can be revoked`);
    const persons = await readPersons(store, pass);
    try {
      await store.client.send(new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: store.tableName,
              Key: keys.pass(passId),
              UpdateExpression: 'SET #s = :revoked, revokedAt = :now, revokedBy = :by, revokeReason = :why',
              ConditionExpression: '#s = :approved',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':revoked': 'revoked', ':approved': 'approved', ':now': now.toISOString(), ':by': { sub: caller.sub, name: caller.name }, ':why': why },
            },
          },
          ...persons.filter((p) => p.version > 0).map((p) => ({
            Update: {
              TableName: store.tableName,
              Key: p.key,
              UpdateExpression: 'SET #a = :a, #v = :next',
              ConditionExpression: '#v = :v',
              ExpressionAttributeNames: { '#a': 'active', '#v': 'version' },
              ExpressionAttributeValues: { ':a': p.active.filter((a) => a.passId !== passId), ':next': p.version + 1, ':v': p.version },
            },
          })),
        ],
      }));
      return (await readPass(store.client, store.tableName, passId, true))!;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes) throw error;
      // The pass changed (revoked meanwhile: the next round answers 409), or a traveller's list did: read again.
      if (attempt >= 4) throw new Conflict('The pass or its travellers changed while revoking; try again');
    }
  }
}
