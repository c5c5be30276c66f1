import { createHash, randomBytes } from 'crypto';

// Crockford's base32: no I, L, O or U, so a pass number read aloud or typed at a roadside check
// cannot be confused (0/O, 1/I/L).
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A new pass number: 60 random bits as `XXXX-XXXX-XXXX` (Crockford base32). */
export function newPassId(): string {
  // 256 is a multiple of 32, so each byte modulo 32 is an unbiased character.
  const out = [...randomBytes(12)].map((b) => ALPHABET[b % 32]).join('');
  return `${out.slice(0, 4)}-${out.slice(4, 8)}-${out.slice(8)}`;
}

export { normalizePassId } from './pass-number';

/** A stable small number for a string (to spread an id over `shards` partitions). */
export function shardOf(value: string, shards: number): number {
  return createHash('sha256').update(value).digest().readUInt32BE(0) % shards;
}

/** A random shard, for writes that only need to spread (audit records, counters). */
export function randomShard(shards: number): number {
  return randomBytes(2).readUInt16BE() % shards;
}

/** `YYYY-MM-DD` (UTC) of a time. */
export function dayOf(time: Date | string | number): string {
  return new Date(time).toISOString().slice(0, 10);
}
