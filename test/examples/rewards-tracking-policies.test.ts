import {
  cellsAround, distanceMetres, dueNotices, geohash, isNear, isSharing, mayNotify, NEAR_METRES, positionDecision, PositionReport, quietUntil,
  SHARING_MINUTES, sharingView, startSharing, stopSharing, type LatestPosition, type Point,
} from '../../examples/rewards/domain/proximity';

/**
 * The proximity rules of the rewards example as pure functions (no engine): distance, "near",
 * sharing expiry, the five-minute quiet window, the one-position-per-second limit, validation.
 */

const METRE_OF_LATITUDE = 180 / (Math.PI * 6_371_008.8); // degrees, on haversine's sphere
/** 3 m, less a nanometre of floating-point rounding. */
const THREE_METRES = 3 - 1e-9;
const HERE: Point = { latitude: 51.5007, longitude: -0.1246 };
const north = (p: Point, metres: number): Point => ({ latitude: p.latitude + metres * METRE_OF_LATITUDE, longitude: p.longitude });
const east = (p: Point, metres: number): Point => ({
  latitude: p.latitude,
  longitude: p.longitude + (metres * METRE_OF_LATITUDE) / Math.cos((p.latitude * Math.PI) / 180),
});
const NOW = new Date('2026-12-02T05:00:00.000Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);

describe('distance', () => {
  test('haversine: 0 for the same point, about 1 m per metre of latitude, symmetric', () => {
    expect(distanceMetres(HERE, HERE)).toBe(0);
    expect(distanceMetres(HERE, north(HERE, 3))).toBeCloseTo(3, 3);
    expect(distanceMetres(HERE, east(HERE, 3))).toBeCloseTo(3, 2);
    expect(distanceMetres(north(HERE, 5), HERE)).toBeCloseTo(distanceMetres(HERE, north(HERE, 5)), 9);
    // London → Paris, the textbook 343.5 km (great circle on the mean sphere).
    expect(distanceMetres({ latitude: 51.5074, longitude: -0.1278 }, { latitude: 48.8566, longitude: 2.3522 }) / 1000).toBeCloseTo(343.5, 0);
    // Across the antimeridian: two points 3 m apart, one at 179.99999..., the other at -179.99999...
    const halfway = 1.5 * METRE_OF_LATITUDE;
    expect(distanceMetres({ latitude: 0, longitude: 180 - halfway }, { latitude: 0, longitude: -180 + halfway })).toBeCloseTo(3, 3);
  });

  test('near is within 3 m inclusive: 2.99 m and 3 m are near, 3.01 m and 5 m are not', () => {
    expect(NEAR_METRES).toBe(3);
    expect(isNear(HERE, north(HERE, 2.99))).toBe(true);
    expect(isNear(HERE, east(HERE, 2.999))).toBe(true);
    expect(isNear(HERE, north(HERE, THREE_METRES))).toBe(true);
    expect(isNear(HERE, north(HERE, 3.01))).toBe(false);
    expect(isNear(HERE, east(HERE, 5))).toBe(false);
  });
});

describe('sharing', () => {
  test('lasts 15 minutes from its start or renewal; expired or stopped is not sharing', () => {
    const started = startSharing(NOW);
    expect(SHARING_MINUTES).toBe(15);
    expect(started.expiresAt!.toISOString()).toBe('2026-12-02T05:15:00.000Z');
    expect(isSharing(started, new Date('2026-12-02T05:14:59.999Z'))).toBe(true);
    expect(isSharing(started, new Date('2026-12-02T05:15:00.000Z'))).toBe(false);
    const renewed = startSharing(new Date('2026-12-02T05:10:00.000Z'));
    expect(isSharing(renewed, new Date('2026-12-02T05:20:00.000Z'))).toBe(true);
    expect(isSharing(stopSharing(), NOW)).toBe(false);
    expect(isSharing(undefined, NOW)).toBe(false);
    expect(sharingView(started, NOW)).toEqual({ sharing: true, expiresAt: '2026-12-02T05:15:00.000Z', minutes: 15 });
    expect(sharingView(started, new Date('2026-12-02T05:16:00.000Z'))).toEqual({ sharing: false, expiresAt: null, minutes: 15 });
  });
});

describe('rate limit and de-duplication', () => {
  test('one position per second: the next one waits out the second, Retry-After in whole seconds (at least 1)', () => {
    expect(positionDecision(undefined, NOW)).toEqual({ accept: true });
    expect(positionDecision(ago(1), NOW)).toEqual({ accept: true });
    expect(positionDecision(ago(0.2), NOW)).toEqual({ accept: false, retryAfterSeconds: 1 });
    expect(positionDecision(NOW, NOW)).toEqual({ accept: false, retryAfterSeconds: 1 });
  });

  test('one notice per civilian per officer per 5 minutes', () => {
    const quiet = quietUntil(NOW);
    expect(quiet.toISOString()).toBe('2026-12-02T05:05:00.000Z');
    expect(mayNotify(undefined, NOW)).toBe(true);
    expect(mayNotify(quiet, new Date('2026-12-02T05:04:59.000Z'))).toBe(false);
    expect(mayNotify(quiet, new Date('2026-12-02T05:05:00.000Z'))).toBe(true);
  });
});

describe('who is told', () => {
  const officerAt = (p: Point, sampledAt = ago(2), userId = 'officer-1'): LatestPosition => ({ userId, role: 'officer', sampledAt, ...p });
  const civilianAt = (p: Point, sampledAt = ago(2), userId = 'civilian-1'): LatestPosition => ({ userId, role: 'civilian', sampledAt, ...p });
  const sharing = (...ids: string[]) => (id: string) => ids.includes(id);
  const civilian = (at: Point, sampledAt = NOW) => ({ userId: 'civilian-1', role: 'civilian' as const, at, sampledAt });

  test('a civilian 3 m from a sharing officer is told; 5 m away is not; the notice carries the distance only', () => {
    expect(dueNotices(civilian(north(HERE, THREE_METRES)), [officerAt(HERE)], sharing('officer-1'), NOW)).toEqual([{ civilianId: 'civilian-1', officerId: 'officer-1', distanceMetres: 3 }]);
    expect(dueNotices(civilian(north(HERE, 5)), [officerAt(HERE)], sharing('officer-1'), NOW)).toEqual([]);
  });

  test('an officer whose sharing expired (or never started) tells nobody', () => {
    expect(dueNotices(civilian(north(HERE, 1)), [officerAt(HERE)], sharing(), NOW)).toEqual([]);
  });

  test('a moving officer finds the civilians within 3 m, each one once', () => {
    const mover = { userId: 'officer-1', role: 'officer' as const, at: HERE, sampledAt: NOW };
    const due = dueNotices(mover, [civilianAt(north(HERE, 2), ago(1), 'c-a'), civilianAt(east(HERE, 2.9), ago(1), 'c-b'), civilianAt(east(HERE, 4), ago(1), 'c-c')], sharing('officer-1'), NOW);
    expect(due.map((d) => d.civilianId)).toEqual(['c-a', 'c-b']);
  });

  test('stale positions match nobody: the other side\'s older than 5 minutes, or an event processed a minute after its sample', () => {
    expect(dueNotices(civilian(north(HERE, 1)), [officerAt(HERE, ago(301))], sharing('officer-1'), NOW)).toEqual([]);
    expect(dueNotices(civilian(north(HERE, 1), ago(61)), [officerAt(HERE)], sharing('officer-1'), NOW)).toEqual([]);
    expect(dueNotices(civilian(north(HERE, 1), ago(59)), [officerAt(HERE)], sharing('officer-1'), NOW)).toHaveLength(1);
  });

  test('a user is never near themselves, nor is a civilian near another civilian', () => {
    expect(dueNotices(civilian(HERE), [civilianAt(HERE, ago(1), 'civilian-1'), civilianAt(HERE, ago(1), 'civilian-2')], sharing('civilian-2'), NOW)).toEqual([]);
  });
});

describe('cells', () => {
  test('geohash: the published examples', () => {
    // Niemeyer's own example and a well-known one.
    expect(geohash({ latitude: 57.64911, longitude: 10.40744 }, 11)).toBe('u4pruydqqvj');
    expect(geohash({ latitude: 42.6, longitude: -5.6 }, 5)).toBe('ezs42');
  });

  test('every position within 3 m is filed under one of the cells searched, on cell edges and across the antimeridian too', () => {
    // Points right on a cell border (a multiple of the cell size) and away from it.
    const centres: Point[] = [
      HERE, { latitude: 0, longitude: 0 }, { latitude: 45, longitude: 180 - 1e-6 },
      { latitude: -33.8688, longitude: 151.2093 }, { latitude: 80, longitude: -179.99999 },
    ];
    for (const centre of centres) {
      const cells = new Set(cellsAround(centre));
      expect(cells.size).toBeGreaterThanOrEqual(1);
      expect(cells.size).toBeLessThanOrEqual(16);
      for (let angle = 0; angle < 360; angle += 15) {
        const r = 2.999;
        const dx = r * Math.cos((angle * Math.PI) / 180);
        const dy = r * Math.sin((angle * Math.PI) / 180);
        const p = east(north(centre, dy), dx);
        const lon = p.longitude > 180 ? p.longitude - 360 : p.longitude < -180 ? p.longitude + 360 : p.longitude;
        const wrapped = { latitude: p.latitude, longitude: lon };
        expect(distanceMetres(centre, wrapped)).toBeLessThanOrEqual(3);
        expect(cells.has(geohash(wrapped))).toBe(true);
      }
    }
  });

  test('near a pole, where cells narrow to nothing, only the point\'s own cell is searched (no unbounded query fan-out)', () => {
    expect(cellsAround({ latitude: 89.9999, longitude: 10 })).toEqual([geohash({ latitude: 89.9999, longitude: 10 })]);
  });
});

describe('position validation', () => {
  const ok = { latitude: 51.5, longitude: -0.12, accuracy: 5 };
  test('accepts degrees in range and an accuracy in (0, 100] metres', () => {
    expect(PositionReport.parse(ok)).toEqual(ok);
    expect(PositionReport.parse({ latitude: -90, longitude: 180, accuracy: 100 })).toBeTruthy();
  });
  test.each([
    ['latitude', { ...ok, latitude: 90.0001 }], ['latitude', { ...ok, latitude: '51.5' }], ['latitude', { longitude: 0, accuracy: 5 }],
    ['longitude', { ...ok, longitude: -180.5 }], ['longitude', { ...ok, longitude: null }],
    ['accuracy', { ...ok, accuracy: 0 }], ['accuracy', { ...ok, accuracy: 100.5 }], ['accuracy', { ...ok, accuracy: -1 }],
    ['', { ...ok, deviceId: 'someone-else' }],
  ])('refuses a bad %s, naming it', (field, body) => {
    const result = PositionReport.safeParse(body);
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0];
    if (field) expect(issue.path).toEqual([field]);
    else expect(issue.code).toBe('unrecognized_keys');
  });
});
