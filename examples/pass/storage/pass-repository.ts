import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { cancellationCodes, isConditionFailure, type PassStore } from './table';
import { InvalidRequest } from '../domain/errors';
import { shardOf } from '../domain/ids';
import { keys, type Key } from '../domain/keys';
import type { PassItem, PassStatus, StoredTraveller } from '../domain/model';
import { keptOnList, type ActivePass, type TravellerPasses } from '../domain/policies/travel-time';
import { actsFor, type Placement } from '../domain/regions';
import { OWNER_INDEX, PENDING_SHARDS, REVIEW_INDEX, REVIEW_SHARDS } from '../domain/settings';

/** Who decided a pass. */
export interface Decider {
  readonly kind: 'rules' | 'reviewer';
  readonly sub?: string;
  readonly name?: string;
}

/** One traveller's list of approved passes (the overlap check and the daily cap read it), with the version guarding it. */
export interface TravellerList {
  readonly key: Key;
  readonly version: number;
  readonly active: ActivePass[];
  /** Multi-region: the approved passes on the traveller's lists of the other regions (replicated, read only). */
  readonly elsewhere?: ActivePass[];
}

/** What the overlap check and the daily cap read of the lists: every region's approved passes. */
export function everyRegion(lists: readonly TravellerList[]): TravellerPasses[] {
  return lists.map((l) => ({ active: [...l.active, ...(l.elsewhere ?? [])] }));
}

/** The condition that the item is homed where this code acts (multi-region), with its values. */
function homeGuard(placement: Placement | undefined): { expression: string; values: Record<string, string> } | undefined {
  if (!placement) return undefined;
  const regions = actsFor(placement);
  const values = Object.fromEntries(regions.map((r, i) => [`:home${i}`, r]));
  return { expression: `homeRegion IN (${Object.keys(values).join(', ')})`, values };
}

const withGuard = (condition: string, guard: ReturnType<typeof homeGuard>) => (guard ? `(${condition}) AND ${guard.expression}` : condition);

/** A pass as stored with what its application wrote to recognise a retry of itself. */
export interface StoredApplication {
  readonly pass: PassItem;
  readonly requestToken?: string;
  readonly requestHash?: string;
}

/** What storing an application did. */
export type ApplyOutcome =
  | { readonly result: 'stored' }
  /** The pass number is taken (by this very application, retried, or by another). */
  | { readonly result: 'number-taken'; readonly stored?: StoredApplication }
  /** The account made its day's number of applications. */
  | { readonly result: 'account-cap' };

/** What writing an approval did. */
export type ApprovalWrite =
  | { readonly result: 'approved' }
  /** The pass is no longer in the expected status (decided by someone else). */
  | { readonly result: 'pass-changed' }
  /** The quota shard is at its cap (and nothing else stood in the way). */
  | { readonly result: 'quota-full' }
  /** A traveller's list changed meanwhile, or a write conflicted with another: read again. */
  | { readonly result: 'travellers-changed'; readonly detail: string }
  /** Cancelled for another reason. */
  | { readonly result: 'cancelled'; readonly detail: string; readonly error: unknown };

/** A quota counter shard an approval takes one from. */
export interface QuotaShard {
  readonly district: string;
  readonly day: string;
  readonly shard: number;
  readonly cap: number;
}

const BOOKKEEPING = ['pk', 'sk', 'ownerPk', 'ownerSk', 'reviewPk', 'reviewSk', 'requestToken', 'requestHash'];

/** What the citizen sees of a pass (no keys, no other bookkeeping). */
export function passView(item: Record<string, unknown>): PassItem {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !BOOKKEEPING.includes(k))) as unknown as PassItem;
}

/**
 * The item holding a traveller's approved passes: their document's, or (a dependant) the
 * applicant's declaration; in a multi-region service, the one of `region`.
 */
export function travellerListKey(t: StoredTraveller, ownerSub: string, region?: string): Key {
  return t.kind === 'dependant' ? keys.dependant(ownerSub, t.name, t.dateOfBirth!, region) : keys.person(t.nationalIdType!, t.nationalIdNumber!, region);
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Passes in the pass table (`PASS#<passId>`), the lists of approved passes of their travellers
 * (`PERSON#...`), the accounts' daily counters of applications and the districts' quota counters,
 * which the writes of a pass keep in step with it in one transaction each. Indexes: `byOwner` (a
 * citizen's passes) and the sparse `reviewQueue` (passes waiting for the rules, `PENDING#<shard>`,
 * or for a reviewer, `REVIEW#<shard>`).
 */
export class PassRepository {
  constructor(private readonly store: PassStore) {}

  /** The pass, or undefined. */
  async get(passId: string, consistent = false): Promise<PassItem | undefined> {
    const out = await this.store.client.send(new GetCommand({ TableName: this.store.tableName, Key: keys.pass(passId), ConsistentRead: consistent }));
    return out.Item ? passView(out.Item) : undefined;
  }

  /**
   * Stores a new `pending` pass (never over another) with one more application on the account's
   * counter for `day` (only below `cap`), in one transaction. Two applications of one account at
   * once collide on the counter: tried again, up to 5 times. In a multi-region service each region
   * counts on its own item, below what the cap leaves after the other regions' counts (read from
   * the replica: two regions racing within the replication lag may pass the cap by their race).
   */
  async apply(pass: PassItem, request: { requestToken: string; requestHash: string }, account: { day: string; cap: number }): Promise<ApplyOutcome> {
    const { passId, ownerSub, createdAt } = pass;
    const placement = this.store.placement;
    let cap = account.cap;
    if (placement) {
      const others = await Promise.all(placement.regions.filter((r) => r !== placement.here).map((r) => this.store.client.send(new GetCommand({
        TableName: this.store.tableName, Key: keys.accountDay(ownerSub, account.day, r),
      }))));
      cap -= others.reduce((n, o) => n + Number(o.Item?.count ?? 0), 0);
      if (cap <= 0) return { result: 'account-cap' };
    }
    const transaction = new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: this.store.tableName,
            Item: {
              ...keys.pass(passId),
              ...pass,
              ownerPk: keys.ownerPk(ownerSub),
              ownerSk: `${createdAt}#${passId}`,
              // Pending: found by the outbox's sweeper until a decision removes these keys.
              reviewPk: keys.pendingPk(shardOf(passId, PENDING_SHARDS)),
              reviewSk: `${createdAt}#${passId}`,
              ...request,
            },
            // Never overwrites: a retry (or a repeated pass number) finds the stored pass instead.
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        {
          Update: {
            TableName: this.store.tableName,
            Key: keys.accountDay(ownerSub, account.day, placement?.here),
            UpdateExpression: 'ADD #c :one',
            ConditionExpression: 'attribute_not_exists(#c) OR #c < :cap',
            ExpressionAttributeNames: { '#c': 'count' },
            ExpressionAttributeValues: { ':one': 1, ':cap': cap },
          },
        },
      ],
    });
    for (let attempt = 1; ; attempt++) {
      try {
        await this.store.client.send(transaction);
        return { result: 'stored' };
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes?.[0] === 'ConditionalCheckFailed') return { result: 'number-taken', stored: await this.storedApplication(passId, error) };
        if (codes?.[1] === 'ConditionalCheckFailed') return { result: 'account-cap' };
        if (!codes?.includes('TransactionConflict') || attempt >= 5) throw error;
        await sleep(20 * attempt + Math.floor(Math.random() * 30));
      }
    }
  }

  /** A stored pass with what its application wrote to recognise a retry (read consistently), or undefined. */
  async findApplication(passId: string): Promise<StoredApplication | undefined> {
    const read = new GetCommand({ TableName: this.store.tableName, Key: keys.pass(passId), ConsistentRead: true });
    const stored = (await this.store.client.send(read)).Item;
    if (!stored) return undefined;
    return { pass: passView(stored), requestToken: stored.requestToken as string | undefined, requestHash: stored.requestHash as string | undefined };
  }

  /** The stored pass of a taken number: from the cancelled write's answer, or read (engines that do not return it). */
  private async storedApplication(passId: string, error: unknown): Promise<StoredApplication | undefined> {
    const raw = (error as { CancellationReasons?: { Item?: Record<string, AttributeValue> }[] }).CancellationReasons?.[0]?.Item;
    const stored = raw
      ? unmarshall(raw)
      : (await this.store.client.send(new GetCommand({ TableName: this.store.tableName, Key: keys.pass(passId), ConsistentRead: true }))).Item;
    if (!stored) return undefined;
    return { pass: passView(stored), requestToken: stored.requestToken as string | undefined, requestHash: stored.requestHash as string | undefined };
  }

  /** An owner's passes, newest first, 20 a page (`cursor` continues; a cursor of another listing is refused). */
  async listByOwner(ownerSub: string, cursor?: string): Promise<{ passes: PassItem[]; cursor?: string }> {
    const out = await this.store.client.send(new QueryCommand({
      TableName: this.store.tableName,
      IndexName: OWNER_INDEX,
      KeyConditionExpression: 'ownerPk = :o',
      ExpressionAttributeValues: { ':o': keys.ownerPk(ownerSub) },
      ScanIndexForward: false,
      Limit: 20,
      ExclusiveStartKey: decodeCursor(cursor, ownerSub),
    }));
    return { passes: (out.Items ?? []).map(passView), cursor: encodeCursor(out.LastEvaluatedKey) };
  }

  /** Passes waiting for a reviewer, oldest first (the sparse index's shards read in parallel and merged). */
  async reviewQueue(limit: number): Promise<PassItem[]> {
    const pages = await Promise.all(Array.from({ length: REVIEW_SHARDS }, (_, shard) => this.store.client.send(new QueryCommand({
      TableName: this.store.tableName,
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

  /** The numbers of passes pending since before `before` (homed here, in a multi-region service), a page at a time, shard after shard. */
  async *pendingSince(before: string): AsyncGenerator<string[]> {
    const placement = this.store.placement;
    const mine = placement ? actsFor(placement) : undefined;
    for (let shard = 0; shard < PENDING_SHARDS; shard++) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await this.store.client.send(new QueryCommand({
          TableName: this.store.tableName,
          IndexName: REVIEW_INDEX,
          KeyConditionExpression: 'reviewPk = :p AND reviewSk < :before',
          ExpressionAttributeValues: { ':p': keys.pendingPk(shard), ':before': before },
          ProjectionExpression: 'passId, homeRegion',
          ExclusiveStartKey: start,
        }));
        yield (page.Items ?? []).filter((i) => !mine || mine.includes(String(i.homeRegion))).map((i) => String(i.passId));
        start = page.LastEvaluatedKey;
      } while (start);
    }
  }

  /**
   * Each traveller's list of approved passes, read consistently. In a multi-region service, the
   * list of the pass's home region (the one its approval writes), and the other regions' lists as
   * replicated here (`elsewhere`): a pass approved in another region within the replication lag
   * is not seen yet, the one overlap the split allows (docs/active-active.md).
   */
  async travellerLists(pass: PassItem): Promise<TravellerList[]> {
    const placement = this.store.placement;
    return Promise.all(pass.travellers.map(async (t) => {
      const key = travellerListKey(t, pass.ownerSub, placement ? pass.homeRegion : undefined);
      const read = (k: Key, consistent: boolean) =>
        this.store.client.send(new GetCommand({ TableName: this.store.tableName, Key: k, ConsistentRead: consistent }));
      const out = await read(key, true);
      const own = { key, version: Number(out.Item?.version ?? 0), active: (out.Item?.active ?? []) as ActivePass[] };
      if (!placement) return own;
      const others = await Promise.all(placement.regions.filter((r) => r !== pass.homeRegion)
        .map((r) => read(travellerListKey(t, pass.ownerSub, r), false)));
      return { ...own, elsewhere: others.flatMap((o) => (o.Item?.active ?? []) as ActivePass[]) };
    }));
  }

  /** Records a rejection (or a move to the review queue) if the pass is still `expected`; false when it is not. */
  async setOutcome(passId: string, expected: PassStatus, status: 'rejected' | 'needs-review', by: Decider, why: string, now: Date): Promise<boolean> {
    const review = status === 'needs-review';
    const guard = homeGuard(this.store.placement);
    try {
      await this.store.client.send(new UpdateCommand({
        TableName: this.store.tableName,
        Key: keys.pass(passId),
        UpdateExpression: review
          ? 'SET #s = :status, #rr = :why, reviewPk = :rpk, reviewSk = :rsk'
          : 'SET #s = :status, #da = :now, #db = :by, #dr = :why REMOVE reviewPk, reviewSk',
        ConditionExpression: withGuard('#s = :expected', guard),
        ExpressionAttributeNames: review ? { '#s': 'status', '#rr': 'reviewReason' } : { '#s': 'status', '#da': 'decidedAt', '#db': 'decidedBy', '#dr': 'decisionReason' },
        ExpressionAttributeValues: {
          ...(review
            ? { ':status': status, ':why': why, ':expected': expected, ':rpk': keys.reviewPk(shardOf(passId, REVIEW_SHARDS)), ':rsk': `${now.toISOString()}#${passId}` }
            : { ':status': status, ':now': now.toISOString(), ':by': by, ':why': why, ':expected': expected }),
          ...guard?.values,
        },
      }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Approves a pass that is still `expected`, in one transaction with each traveller's list
   * (the pass added, guarded by the list's version, so two concurrent approvals for one person
   * cannot both succeed) and, for the rules, one more approval on a quota shard (only below its cap).
   */
  async approve(
    pass: PassItem, expected: PassStatus, token: string, by: Decider, why: string, lists: TravellerList[], now: Date, quota?: QuotaShard,
  ): Promise<ApprovalWrite> {
    const items = [
      { Update: this.approvalUpdate(pass, expected, token, by, why, now) },
      ...this.listUpdates(pass, lists, now),
      ...(quota ? [{
        Update: {
          TableName: this.store.tableName,
          Key: keys.quota(quota.district, quota.day, quota.shard),
          UpdateExpression: 'ADD #c :one',
          ConditionExpression: 'attribute_not_exists(#c) OR #c < :cap',
          ExpressionAttributeNames: { '#c': 'count' },
          ExpressionAttributeValues: { ':one': 1, ':cap': quota.cap },
        },
      }] : []),
    ];
    try {
      await this.store.client.send(new TransactWriteCommand({ TransactItems: items }));
      return { result: 'approved' };
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes) throw error;
      const detail = codes.join(', ');
      if (codes[0] === 'ConditionalCheckFailed') return { result: 'pass-changed' };
      if (quota && codes[codes.length - 1] === 'ConditionalCheckFailed' && codes.slice(0, -1).every((c) => c === 'None')) return { result: 'quota-full' };
      if (codes.every((c) => c === 'None' || c === 'ConditionalCheckFailed' || c === 'TransactionConflict')) return { result: 'travellers-changed', detail };
      return { result: 'cancelled', detail, error };
    }
  }

  /**
   * Revokes an approved pass, in one transaction with each traveller's list (the pass removed,
   * guarded by the list's version); `changed` when the pass or a list changed meanwhile.
   */
  async revoke(pass: PassItem, by: { sub: string; name: string }, why: string, lists: TravellerList[], now: Date): Promise<'revoked' | 'changed'> {
    const guard = homeGuard(this.store.placement);
    try {
      await this.store.client.send(new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.store.tableName,
              Key: keys.pass(pass.passId),
              UpdateExpression: 'SET #s = :revoked, revokedAt = :now, revokedBy = :by, revokeReason = :why',
              ConditionExpression: withGuard('#s = :approved', guard),
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':revoked': 'revoked', ':approved': 'approved', ':now': now.toISOString(), ':by': by, ':why': why, ...guard?.values },
            },
          },
          ...lists.filter((l) => l.version > 0).map((l) => ({
            Update: {
              TableName: this.store.tableName,
              Key: l.key,
              UpdateExpression: 'SET #a = :a, #v = :next',
              ConditionExpression: '#v = :v',
              ExpressionAttributeNames: { '#a': 'active', '#v': 'version' },
              ExpressionAttributeValues: { ':a': l.active.filter((a) => a.passId !== pass.passId), ':next': l.version + 1, ':v': l.version },
            },
          })),
        ],
      }));
      return 'revoked';
    } catch (error) {
      if (!cancellationCodes(error)) throw error;
      return 'changed';
    }
  }

  private approvalUpdate(pass: PassItem, expected: PassStatus, token: string, by: Decider, why: string, now: Date) {
    const guard = homeGuard(this.store.placement);
    return {
      TableName: this.store.tableName,
      Key: keys.pass(pass.passId),
      UpdateExpression: 'SET #s = :approved, #t = :t, #da = :now, #db = :by, #dr = :why REMOVE reviewPk, reviewSk',
      ConditionExpression: withGuard('#s = :expected', guard),
      ExpressionAttributeNames: { '#s': 'status', '#t': 'token', '#da': 'decidedAt', '#db': 'decidedBy', '#dr': 'decisionReason' },
      ExpressionAttributeValues: { ':approved': 'approved', ':t': token, ':now': now.toISOString(), ':by': by, ':why': why, ':expected': expected, ...guard?.values },
    };
  }

  /** The pass added to each traveller's list (optimistic: each guarded by its version), the list pruned (`keptOnList`). */
  private listUpdates(pass: PassItem, lists: TravellerList[], now: Date) {
    return lists.map((l) => ({
      Update: {
        TableName: this.store.tableName,
        Key: l.key,
        UpdateExpression: 'SET #a = :a, #v = :next',
        ConditionExpression: l.version === 0 ? 'attribute_not_exists(pk)' : '#v = :v',
        ExpressionAttributeNames: { '#a': 'active', '#v': 'version' },
        ExpressionAttributeValues: {
          ':a': [...keptOnList(l.active, now), { passId: pass.passId, start: pass.startTime, end: pass.endTime }],
          ':next': l.version + 1,
          ...(l.version === 0 ? {} : { ':v': l.version }),
        },
      },
    }));
  }
}

