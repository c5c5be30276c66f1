import * as z from 'zod';

/**
 * Proximity, in the domain's own terms (no HTTP, no AWS): how far apart two positions are, when a
 * civilian is near an officer, how long an officer's location sharing lasts, how often a civilian
 * is told about the same officer, and how often a device may send a position. The kata's targets:
 * a connection only within 10 feet (3 m), sharing that turns itself off after 15 minutes.
 */

/** A civilian this close to a sharing officer (or closer) is near: the kata's 10 feet. */
export const NEAR_METRES = 3;
/** Minutes an officer's sharing lasts from its start or last renewal. */
export const SHARING_MINUTES = 15;
/** Minutes during which a civilian is told about the same officer once. */
export const NOTIFY_EVERY_MINUTES = 5;
/** The shortest time between two accepted positions of one user. */
export const POSITION_INTERVAL_MS = 1_000;
/** How long positions (the latest one and the history) are kept: long enough to debug a report, short enough not to become a record of where people were. */
export const POSITION_TTL_HOURS = 1;
/** How long a notification is kept (the app polls every 2 s; an hour covers a phone that slept). */
export const NOTIFICATION_TTL_HOURS = 1;
/** A position sampled longer ago than this is where a user was, not where they are: it is stored but matches nobody. */
export const FRESH_POSITION_SECONDS = 5 * 60;
/** An event processed this long after its position was sampled (retries, a backlog) notifies nobody: the people have moved on. */
export const NOTIFY_WITHIN_SECONDS = 60;

/** A position as a device reports it. */
export const PositionReport = z.strictObject({
  latitude: z.number({ error: 'latitude: a number of degrees, -90 to 90' }).min(-90, 'latitude: at least -90').max(90, 'latitude: at most 90'),
  longitude: z.number({ error: 'longitude: a number of degrees, -180 to 180' }).min(-180, 'longitude: at least -180').max(180, 'longitude: at most 180'),
  // A fix worse than 100 m cannot tell 3 m from a street away; 0 is no measurement at all.
  accuracy: z.number({ error: 'accuracy: metres, more than 0 and at most 100' }).gt(0, 'accuracy: more than 0 metres').max(100, 'accuracy: at most 100 metres'),
});
export type PositionReport = z.infer<typeof PositionReport>;

/** A point on the Earth (WGS 84 degrees). */
export interface Point {
  readonly latitude: number;
  readonly longitude: number;
}

/** The mean Earth radius (IUGG), in metres: haversine's sphere. */
const EARTH_RADIUS_METRES = 6_371_008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;

/**
 * The great-circle distance in metres (haversine). On a sphere, so within 0.5% of the ellipsoid:
 * 1.5 cm at 3 m, far below a phone's accuracy.
 */
export function distanceMetres(a: Point, b: Point): number {
  const dLat = rad(b.latitude - a.latitude);
  const dLon = rad(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Whether two positions are near: within `NEAR_METRES`, inclusive. */
export const isNear = (a: Point, b: Point): boolean => distanceMetres(a, b) <= NEAR_METRES;

// ---------------------------------------------------------------------------------------------
// Sharing

/** An officer's location sharing: until when (null: not sharing). */
export interface Sharing {
  readonly expiresAt: Date | null;
}

/** What the officer's app is told. */
export interface SharingView {
  readonly sharing: boolean;
  readonly expiresAt: string | null;
  readonly minutes: number;
}

/** Starts or renews sharing at `now`: it lasts `SHARING_MINUTES` from now. */
export const startSharing = (now: Date): Sharing => ({ expiresAt: new Date(now.getTime() + SHARING_MINUTES * 60_000) });

/** Stopped sharing. */
export const stopSharing = (): Sharing => ({ expiresAt: null });

/** Whether the officer shares at `now`: an expired sharing is no sharing. */
export const isSharing = (sharing: Sharing | undefined, now: Date): boolean =>
  sharing?.expiresAt != null && sharing.expiresAt.getTime() > now.getTime();

/** The sharing as the app sees it at `now` (expired: not sharing, no expiry). */
export function sharingView(sharing: Sharing | undefined, now: Date): SharingView {
  const on = isSharing(sharing, now);
  return { sharing: on, expiresAt: on ? sharing!.expiresAt!.toISOString() : null, minutes: SHARING_MINUTES };
}

// ---------------------------------------------------------------------------------------------
// Rate limit and de-duplication (the stores make these decisions atomic with conditional writes)

/** Whether a position may be accepted at `now`, given when the user's last one was; else how long to wait. */
export function positionDecision(
  lastAcceptedAt: Date | undefined, now: Date,
): { readonly accept: true } | { readonly accept: false; readonly retryAfterSeconds: number } {
  if (!lastAcceptedAt) return { accept: true };
  const wait = lastAcceptedAt.getTime() + POSITION_INTERVAL_MS - now.getTime();
  return wait <= 0 ? { accept: true } : { accept: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
}

/** Until when a civilian told about an officer at `now` is not told again. */
export const quietUntil = (now: Date): Date => new Date(now.getTime() + NOTIFY_EVERY_MINUTES * 60_000);

/** Whether a civilian may be told about an officer at `now`, given until when the last notice keeps them quiet. */
export const mayNotify = (quiet: Date | undefined, now: Date): boolean => quiet === undefined || quiet.getTime() <= now.getTime();

// ---------------------------------------------------------------------------------------------
// Proximity decisions

/** The two roles proximity knows: who is told, and who is looked for. */
export type ProximityRole = 'civilian' | 'officer';

/** A user's latest position, as the stores keep it. */
export interface LatestPosition extends Point {
  readonly userId: string;
  readonly role: ProximityRole;
  readonly sampledAt: Date;
}

/** A notice due: `civilianId` is told an officer is `distanceMetres` away. */
export interface DueNotice {
  readonly civilianId: string;
  readonly officerId: string;
  readonly distanceMetres: number;
}

/**
 * Which civilians to tell, when `mover` (in `role`) is at `at`, among `candidates` (the other
 * role's latest positions nearby, as the stores found them): every pair within `NEAR_METRES` whose
 * officer shares at `now` (`sharing`), with fresh positions on both sides. De-duplication
 * (`mayNotify`) is the store's conditional write.
 */
export function dueNotices(
  mover: { readonly userId: string; readonly role: ProximityRole; readonly at: Point; readonly sampledAt: Date },
  candidates: readonly LatestPosition[],
  sharing: (officerId: string) => boolean,
  now: Date,
): DueNotice[] {
  if (now.getTime() - mover.sampledAt.getTime() > NOTIFY_WITHIN_SECONDS * 1000) return [];
  const fresh = (p: LatestPosition) => now.getTime() - p.sampledAt.getTime() <= FRESH_POSITION_SECONDS * 1000;
  const due: DueNotice[] = [];
  for (const other of candidates) {
    if (other.userId === mover.userId || other.role === mover.role || !fresh(other)) continue;
    const d = distanceMetres(mover.at, other);
    if (d > NEAR_METRES) continue;
    const [civilianId, officerId] = mover.role === 'civilian' ? [mover.userId, other.userId] : [other.userId, mover.userId];
    if (!sharing(officerId)) continue;
    due.push({ civilianId, officerId, distanceMetres: Math.round(d * 10) / 10 });
  }
  return due;
}

// ---------------------------------------------------------------------------------------------
// Cells: how the stores find the positions near a point without scanning

/** Geohash precision of the cells positions are filed under: about 38 m × 19 m at the equator. */
export const CELL_PRECISION = 8;
/** Beyond this many cells (only within ~3° of a pole, where cells narrow to nothing) a point's surroundings are not searched. */
const MAX_CELLS = 16;
const BASE32 = '0123456789bcdefghjkmnpqrstuvwxyz';

/**
 * The geohash of a point (Niemeyer's public-domain encoding: longitude and latitude bits
 * interleaved, five to a base-32 character). Twenty lines, so written here rather than taken from
 * a package the example does not otherwise need.
 */
export function geohash(p: Point, precision = CELL_PRECISION): string {
  let [latMin, latMax, lonMin, lonMax] = [-90, 90, -180, 180];
  let hash = '';
  let bits = 0;
  let value = 0;
  let even = true;
  while (hash.length < precision) {
    if (even) {
      const mid = (lonMin + lonMax) / 2;
      if (p.longitude >= mid) { value = value * 2 + 1; lonMin = mid; } else { value *= 2; lonMax = mid; }
    } else {
      const mid = (latMin + latMax) / 2;
      if (p.latitude >= mid) { value = value * 2 + 1; latMin = mid; } else { value *= 2; latMax = mid; }
    }
    even = !even;
    if (++bits === 5) {
      hash += BASE32[value];
      bits = 0;
      value = 0;
    }
  }
  return hash;
}

/** A cell's size in degrees at `precision`: [latitude, longitude]. */
function cellDegrees(precision: number): [number, number] {
  const bits = precision * 5;
  const lonBits = Math.ceil(bits / 2);
  return [180 / 2 ** (bits - lonBits), 360 / 2 ** lonBits];
}

/**
 * The cells a circle of `radiusMetres` around `p` touches: the only cells a position that near can
 * be filed under. One to four cells almost everywhere; none searched closer to a pole than cells
 * can resolve (past about 87°, where nobody patrols).
 */
export function cellsAround(p: Point, radiusMetres = NEAR_METRES, precision = CELL_PRECISION): string[] {
  const dLat = (radiusMetres / EARTH_RADIUS_METRES) * (180 / Math.PI);
  const cos = Math.cos(rad(p.latitude));
  const dLon = cos <= 0 ? 360 : dLat / cos;
  const [cellLat, cellLon] = cellDegrees(precision);
  const latSteps = Math.ceil((2 * dLat) / cellLat) + 1;
  const lonSteps = Math.ceil((2 * dLon) / cellLon) + 1;
  if (latSteps * lonSteps > MAX_CELLS * 4) return [geohash(p, precision)];
  const cells = new Set<string>();
  const clampLat = (x: number) => Math.max(-90, Math.min(90, x));
  const wrapLon = (x: number) => ((((x + 180) % 360) + 360) % 360) - 180;
  for (let i = 0; i <= latSteps; i++) {
    const lat = clampLat(p.latitude - dLat + Math.min(2 * dLat, i * cellLat));
    for (let j = 0; j <= lonSteps; j++) {
      const lon = wrapLon(p.longitude - dLon + Math.min(2 * dLon, j * cellLon));
      cells.add(geohash({ latitude: lat, longitude: lon }, precision));
    }
  }
  return cells.size > MAX_CELLS ? [geohash(p, precision)] : [...cells];
}
