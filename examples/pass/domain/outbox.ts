import { createHash, randomUUID } from 'crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { DynamoDBRecord } from 'aws-lambda';
import type { ApprovalMessage, ApprovalQueue } from './passes';
import { isHome, type Placement } from './regions';
import { PassRepository } from '../storage/pass-repository';
import type { PassStore } from '../storage/table';

/**
 * The approval queue's outbox. An application is one conditional write of a `pending` pass, and
 * nothing else: the table's stream carries each new pass to `relayNewPasses`, which queues it for
 * the rules worker (a failed send fails the stream record, which Lambda retries), and
 * `sweepStalePending` re-queues any pass still `pending` after `STALE_PENDING_MS` (a message lost or
 * dead-lettered, a stream record given up on). The worker skips passes that are no longer pending,
 * so a pass queued twice is decided once.
 *
 * Pending passes carry the sparse index's keys under `PENDING#<shard>` (the review queue uses
 * `REVIEW#<shard>`), which every decision removes or replaces: the sweeper reads only what is pending.
 */

/** A pass pending this long is queued again by the sweeper. */
export const STALE_PENDING_MS = 5 * 60_000;

/**
 * The pass number an application with `idempotencyKey` gets: the same caller and key give the same
 * pass. In a multi-region service the region is part of it, so a retry that lands in the other region
 * before the first write replicated there stores a pass of its own (homed there) rather than the
 * same pass homed in two regions; once replicated, a retry finds either (see applyForPass).
 */
export function passIdFor(sub: string, idempotencyKey: string, region?: string): string {
  const digest = createHash('sha256').update(`pass#${sub}#${idempotencyKey}${region === undefined ? '' : `#${region}`}`).digest();
  const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const out = [...digest.subarray(0, 12)].map((b) => ALPHABET[b % 32]).join('');
  return `${out.slice(0, 4)}-${out.slice(4, 8)}-${out.slice(8)}`;
}

/** A fingerprint of an application's content: a repeated key must come with the same application. */
export function requestHashOf(body: unknown): string {
  const canonical = (v: unknown): unknown => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]))
    : Array.isArray(v) ? v.map(canonical) : v);
  return createHash('sha256').update(JSON.stringify(canonical(body))).digest('base64url');
}

/** A token unique to one handler invocation: its own write, seen again after an SDK retry, carries it. */
export function newRequestToken(): string {
  return randomUUID();
}

/** Sends one message per pass; answers the passes whose message was refused. */
async function send(queue: ApprovalQueue, passIds: string[]): Promise<string[]> {
  const results = await Promise.allSettled(passIds.map((passId) => queue.client.send(new SendMessageCommand({
    QueueUrl: queue.queueUrl,
    MessageBody: JSON.stringify({ passId } satisfies ApprovalMessage),
  }))));
  return passIds.filter((_, i) => results[i].status === 'rejected');
}

/**
 * The pass number of a stream record that inserts a pending pass, or undefined. In a multi-region
 * service every region's stream carries every pass (the replicated ones too): only the pass's home
 * region queues it.
 */
export function newPendingPass(record: DynamoDBRecord, placement?: Placement): string | undefined {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || image?.sk?.S !== 'PASS' || image?.status?.S !== 'pending') return undefined;
  if (placement && !isHome(placement, image.homeRegion?.S)) return undefined;
  return image.passId?.S;
}

/**
 * Queues the new pending passes of a batch of stream records; answers the event ids of the records
 * whose pass could not be queued (reported as partial batch failures, so the stream retries them).
 */
export async function relayNewPasses(queue: ApprovalQueue, records: DynamoDBRecord[], placement?: Placement): Promise<string[]> {
  const byPass = new Map<string, string>();
  for (const r of records) {
    const passId = newPendingPass(r, placement);
    if (passId && r.dynamodb?.SequenceNumber) byPass.set(passId, r.dynamodb.SequenceNumber);
  }
  if (byPass.size === 0) return [];
  const failed = await send(queue, [...byPass.keys()]);
  return failed.map((passId) => byPass.get(passId)!);
}

/** Re-queues passes pending longer than `staleMs`; answers how many were queued again. */
export async function sweepStalePending(store: PassStore, queue: ApprovalQueue, now = new Date(), staleMs = STALE_PENDING_MS): Promise<number> {
  let queued = 0;
  for await (const ids of new PassRepository(store).pendingSince(new Date(now.getTime() - staleMs).toISOString())) {
    const failed = await send(queue, ids);
    if (failed.length > 0) throw new Error(`The approval queue refused ${failed.length} stale pending pass(es); the next sweep retries`);
    queued += ids.length;
  }
  return queued;
}
