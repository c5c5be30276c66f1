import { BatchGetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { JWK } from './jose';
import type { PublishedKeys } from './key-set';
import type { PassStore } from '../storage/table';

/**
 * The public keys of every region of a multi-region service (docs/active-active.md). Each region
 * signs with its own key (its own secret, so its own `kid`) and publishes its public keys to its
 * own parameter, as one region does; it also puts them in the global table (`KEYS#<region>`, one
 * item per region, written by that region only), so every region's `GET /keys` and `POST /verify`
 * know the other region's keys, and a pass signed in one region verifies in the other, also when
 * the signing region is down.
 */

const keysItem = (region: string) => ({ pk: `KEYS#${region}`, sk: 'PUBLIC' });

/** How long the other regions' keys are kept (as long as this region's parameter is cached). */
const SHARED_MAX_AGE_MS = 60_000;
const sharedCache = new Map<string, { at: number; keys: JWK[] }>();
let lastShared: string | undefined;

/** For the signers: shares the published keys once per container and value. */
export async function shareRegionKeysOnce(store: PassStore, published: PublishedKeys): Promise<void> {
  const value = JSON.stringify(published);
  if (!store.placement || lastShared === value) return;
  await shareRegionKeys(store, published);
  lastShared = value;
}

/** Shares this region's published public keys with the other regions (nothing to do for one region). */
export async function shareRegionKeys(store: PassStore, published: PublishedKeys, now = new Date()): Promise<void> {
  const placement = store.placement;
  if (!placement) return;
  await store.client.send(new PutCommand({
    TableName: store.tableName,
    Item: { ...keysItem(placement.here), keys: published.keys, published: published.published, sharedAt: now.toISOString() },
  }));
}

/**
 * The public keys to check passes with: this region's published ones and (multi-region) those the
 * other regions shared through the table, each `kid` once.
 */
export async function keysOfEveryRegion(store: PassStore, local: PublishedKeys, maxAgeMs = SHARED_MAX_AGE_MS): Promise<JWK[]> {
  const placement = store.placement;
  if (!placement) return local.keys;
  const cacheKey = `${store.tableName}/${placement.here}`;
  let cached = sharedCache.get(cacheKey);
  if (!cached || Date.now() - cached.at > maxAgeMs) {
    const others = placement.regions.filter((r) => r !== placement.here);
    const out = await store.client.send(new BatchGetCommand({ RequestItems: { [store.tableName]: { Keys: others.map(keysItem) } } }));
    cached = { at: Date.now(), keys: (out.Responses?.[store.tableName] ?? []).flatMap((item) => (item.keys ?? []) as JWK[]) };
    sharedCache.set(cacheKey, cached);
  }
  const shared = cached.keys;
  const seen = new Set<string>();
  return [...local.keys, ...shared].filter((k) => {
    const kid = String(k.kid ?? '');
    if (seen.has(kid)) return false;
    seen.add(kid);
    return true;
  });
}
