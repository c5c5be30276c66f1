import type { Rules } from '../rules';

/** The day's quota of approvals for a district of departure: its own, else the default. */
export function quotaFor(rules: Pick<Rules, 'districtQuotas' | 'dailyQuotaPerDistrict'>, fromDistrict: string): number {
  return rules.districtQuotas[fromDistrict] ?? rules.dailyQuotaPerDistrict;
}

/**
 * How a quota is split over counter shards (the writes of one district and day spread over
 * partitions): at most `shards` of them and never more than the quota (no shard of 0), the quota
 * split exactly, the first `quota % n` taking one more. A quota of 0 has no shards: nothing is issued.
 */
export function shardCaps(quota: number, shards: number): number[] {
  const n = Math.min(shards, quota);
  return Array.from({ length: Math.max(0, n) }, (_, shard) => Math.floor(quota / n) + (shard < quota % n ? 1 : 0));
}

/** The order an approval tries the shards in: its own first (spread by pass number), then each next one. */
export function shardOrder(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => (first + i) % count);
}
