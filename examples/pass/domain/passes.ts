import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { cancellationCodes, Caller, isConditionFailure, PassStore, ServiceUnavailableError } from './http';
import { newPassId, shardOf } from './ids';
import { keys } from './keys';
import { PassApplication, PassItem } from './model';
import { registrationOf } from './registration';
import { OWNER_INDEX, REVIEW_INDEX, REVIEW_SHARDS } from './settings';
import { signPass, type SigningKey } from './signing';
import { BadRequestError, ConflictError, logger, NotFoundError } from '../../shared/handler-kit';

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
  const { pk, sk, ownerPk, ownerSk, reviewPk, reviewSk, ...rest } = item;
  void pk; void sk; void ownerPk; void ownerSk; void reviewPk; void reviewSk;
  return rest as unknown as PassItem;
}

/**
 * A new application: stored as `pending` and queued for the rules worker. The applicant must be
 * registered (their name is the holder's). If the queue refuses the message the item is deleted
 * again and the caller gets 503 with Retry-After: nothing half-done is left behind.
 */
export async function applyForPass(
  store: PassStore, queue: ApprovalQueue, caller: Caller, body: PassApplication, now = new Date(),
): Promise<PassItem> {
  const registration = await registrationOf(store, caller.sub);
  if (!registration) throw new ConflictError('Register first: POST /registrations');
  const passId = newPassId();
  const createdAt = now.toISOString();
  const start = new Date(body.startTime);
  const item: PassItem = {
    passId,
    ownerSub: caller.sub,
    holderName: registration.name,
    travellers: body.travellers,
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
  await store.client.send(new PutCommand({
    TableName: store.tableName,
    Item: { ...keys.pass(passId), ...item, ownerPk: keys.ownerPk(caller.sub), ownerSk: `${createdAt}#${passId}` },
    // Never overwrites: a (vanishingly unlikely) repeated pass number fails instead.
    ConditionExpression: 'attribute_not_exists(pk)',
  }));
  try {
    await queue.client.send(new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: JSON.stringify({ passId } satisfies ApprovalMessage) }));
  } catch (error) {
    logger.error('The approval queue refused the application; removing it', { passId, error: error as Error });
    await store.client.send(new DeleteCommand({ TableName: store.tableName, Key: keys.pass(passId), ConditionExpression: '#s = :pending', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':pending': 'pending' } }));
    throw new ServiceUnavailableError('Applications cannot be queued right now; nothing was stored, please try again');
  }
  return item;
}

/** The pass as stored, or undefined. */
export async function readPass(client: DynamoDBDocumentClient, tableName: string, passId: string, consistent = false): Promise<PassItem | undefined> {
  const out = await client.send(new GetCommand({ TableName: tableName, Key: keys.pass(passId), ConsistentRead: consistent }));
  return out.Item ? passView(out.Item) : undefined;
}

/** The caller's own pass; another user's pass answers 404 like a missing one (no hint that it exists). */
export async function ownPass(store: PassStore, caller: Caller, passId: string): Promise<PassItem> {
  const pass = await readPass(store.client, store.tableName, passId, true);
  if (!pass || pass.ownerSub !== caller.sub) throw new NotFoundError(`No pass ${passId}`);
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
    throw new BadRequestError('Invalid cursor');
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
  readonly active: { passId: string; start: string; end: string }[];
}

export async function readPersons(store: PassStore, pass: PassItem): Promise<PersonActive[]> {
  return Promise.all(pass.travellers.map(async (t) => {
    const key = keys.person(t.nationalIdType, t.nationalIdNumber);
    const out = await store.client.send(new GetCommand({ TableName: store.tableName, Key: key, ConsistentRead: true }));
    return { key, version: Number(out.Item?.version ?? 0), active: (out.Item?.active ?? []) as PersonActive['active'] };
  }));
}

/** The first approved pass of a traveller overlapping this one, if any. */
export function overlapping(pass: PassItem, persons: PersonActive[]): string | undefined {
  for (const p of persons) {
    const hit = p.active.find((a) => a.passId !== pass.passId && a.start < pass.endTime && pass.startTime < a.end);
    if (hit) return hit.passId;
  }
  return undefined;
}

/** The transaction items recording this pass on each traveller (optimistic: each guarded by its version). */
export function personUpdates(tableName: string, pass: PassItem, persons: PersonActive[], now: Date): NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> {
  const nowIso = now.toISOString();
  return persons.map((p) => ({
    Update: {
      TableName: tableName,
      Key: p.key,
      UpdateExpression: 'SET #a = :a, #v = :next',
      ConditionExpression: p.version === 0 ? 'attribute_not_exists(pk)' : '#v = :v',
      ExpressionAttributeNames: { '#a': 'active', '#v': 'version' },
      ExpressionAttributeValues: {
        // Expired passes are pruned on each write, so the list stays short.
        ':a': [...p.active.filter((a) => a.end > nowIso), { passId: pass.passId, start: pass.startTime, end: pass.endTime }],
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
 * A reviewer's decision on a pass waiting for review. One conditional write decides it (status
 * must still be `needs-review`), so a second decision, or a second reviewer racing the first,
 * gets 409 and changes nothing. An approval is signed and recorded on each traveller in the same
 * transaction, and is refused (409) if a traveller meanwhile holds an overlapping approved pass.
 */
export async function decide(store: PassStore, key: SigningKey, caller: Caller, passId: string, decision: 'approve' | 'reject', why: string, now = new Date()): Promise<PassItem> {
  const pass = await readPass(store.client, store.tableName, passId, true);
  if (!pass) throw new NotFoundError(`No pass ${passId}`);
  if (pass.status !== 'needs-review') throw new ConflictError(`Pass ${passId} is ${pass.status}; only passes waiting for review can be decided`);
  const by: Decider = { kind: 'reviewer', sub: caller.sub, name: caller.name };
  if (decision === 'reject') {
    if (!(await setOutcome(store, passId, 'needs-review', 'rejected', by, why, now))) throw new ConflictError(`Pass ${passId} was decided by someone else`);
  } else {
    const persons = await readPersons(store, pass);
    const clash = overlapping(pass, persons);
    if (clash) throw new ConflictError(`A traveller already holds approved pass ${clash} for an overlapping time; reject this one`);
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
      if (codes?.[0] === 'ConditionalCheckFailed') throw new ConflictError(`Pass ${passId} was decided by someone else`);
      if (codes?.some((c) => c === 'ConditionalCheckFailed' || c === 'TransactionConflict')) {
        throw new ConflictError('A traveller\'s passes changed while deciding; reload and decide again');
      }
      throw error;
    }
  }
  return (await readPass(store.client, store.tableName, passId, true))!;
}

/** Revokes an approved pass (a reviewer or an admin); a check of it answers `revoked` from then on. */
export async function revoke(store: PassStore, caller: Caller, passId: string, why: string, now = new Date()): Promise<PassItem> {
  try {
    const out = await store.client.send(new UpdateCommand({
      TableName: store.tableName,
      Key: keys.pass(passId),
      UpdateExpression: 'SET #s = :revoked, revokedAt = :now, revokedBy = :by, revokeReason = :why',
      ConditionExpression: '#s = :approved',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':revoked': 'revoked', ':approved': 'approved', ':now': now.toISOString(), ':by': { sub: caller.sub, name: caller.name }, ':why': why },
      ReturnValues: 'ALL_NEW',
    }));
    return passView(out.Attributes!);
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const pass = await readPass(store.client, store.tableName, passId, true);
    if (!pass) throw new NotFoundError(`No pass ${passId}`);
    throw new ConflictError(`Pass ${passId} is ${pass.status}; only approved passes can be revoked`);
  }
}
