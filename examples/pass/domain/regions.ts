/**
 * Where the pass service runs when it runs in several regions at once (active-active, see
 * docs/active-active.md). The pass table is a global table: every region reads and writes its own
 * replica, and DynamoDB copies each write to the other replicas within about a second, resolving
 * concurrent writes to one item last-writer-wins. So a state change is never written in two regions:
 *
 * - every item whose change must have one winner has a **home region**, and only its home writes it:
 *   a pass is homed where it was applied for (`homeRegion` on the item); a district's quota shard
 *   by its number (`shard % regions`: the quota is split between the regions); a traveller's list
 *   of approved passes, an account's daily count and the day's statistics are one item per
 *   region (each region writes its own, reads the others');
 * - registrations (the one account per document rule) are homed in the first region, the
 *   registry: any region sends their transaction to the registry's replica;
 * - a region that takes over a lost region's items (`adopted`, set by the failover runbook) acts
 *   as their home too.
 *
 * One region (`regions` empty) is the single-region service: every item is homed there and every
 * key is the single-region key.
 */
export interface Placement {
  /** The region this code runs in (`AWS_REGION` in Lambda). */
  readonly here: string;
  /** Every region of the service, in order; the first is the registry. */
  readonly regions: readonly string[];
  /** Lost regions whose items this region has taken over (a declared failover). */
  readonly adopted: readonly string[];
}

/** Environment variables of the multi-region service (set by the ActiveActive stage). */
export const REGION_ENV = {
  /** Every region of the service, comma separated, the registry first. */
  REGIONS: 'PASS_REGIONS',
  /** Lost regions this region takes over, comma separated (the failover runbook sets it). */
  ADOPTED: 'PASS_ADOPTED_REGIONS',
} as const;

const list = (value: string | undefined) => (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');

/**
 * The placement the environment describes, or undefined for the single-region service. Refuses a
 * configuration that would let two regions act as one item's home.
 */
export function placementFromEnv(env: Record<string, string | undefined> = process.env): Placement | undefined {
  const regions = list(env[REGION_ENV.REGIONS]);
  if (regions.length === 0) return undefined;
  return placement(env.AWS_REGION ?? '', regions, list(env[REGION_ENV.ADOPTED]));
}

/** A checked placement. */
export function placement(here: string, regions: readonly string[], adopted: readonly string[] = []): Placement {
  const problems: string[] = [];
  if (!regions.includes(here)) problems.push(`AWS_REGION '${here}' is not one of ${REGION_ENV.REGIONS} (${regions.join(', ')})`);
  if (new Set(regions).size !== regions.length) problems.push(`${REGION_ENV.REGIONS} names a region twice (${regions.join(', ')})`);
  for (const a of adopted) {
    if (a === here || !regions.includes(a)) problems.push(`${REGION_ENV.ADOPTED} '${a}' must be another region of ${regions.join(', ')}`);
  }
  if (problems.length > 0) throw new Error(`The pass service's regions: ${problems.join('; ')}`);
  return { here, regions: [...regions], adopted: [...adopted] };
}

/** The regions whose items this region writes: itself and those it adopted. */
export function actsFor(p: Placement): string[] {
  return [p.here, ...p.adopted];
}

/** Whether this region may change an item homed in `home`. */
export function isHome(p: Placement, home: string | undefined): boolean {
  return home !== undefined && actsFor(p).includes(home);
}

/** The region that performs registrations: the first region, or this one when it adopted it. */
export function registryOf(p: Placement): string {
  return p.adopted.includes(p.regions[0]) ? p.here : p.regions[0];
}

/** The region a district's quota shard belongs to (the quota is split between the regions shard by shard). */
export function quotaShardHome(p: Placement, shard: number): string {
  return p.regions[shard % p.regions.length];
}
