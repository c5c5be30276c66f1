import { randomUUID } from 'crypto';
import { Refusal } from './errors';
import {
  cellsAround, dueNotices, FRESH_POSITION_SECONDS, isSharing, sharingView, startSharing, stopSharing,
  type DueNotice, type LatestPosition, type Point, type PositionReport, type ProximityRole, type Sharing, type SharingView,
} from './proximity';
import type { Caller } from './transactions';

/**
 * Tracking: devices send positions through the tracker (deployed: Amazon Location Service; locally:
 * the stand-in, storage/tracker-local.ts), whose position events come back to `handlePositionEvent`
 * (the location-events worker); officers share their location for 15 minutes at a time; civilians
 * read the notices proximity left them. The stores are parameters: DynamoDB in storage/locations-repository.ts.
 */

/** One position for the tracker: the device is the user (its Cognito sub). */
export interface PositionUpdate extends Point {
  readonly deviceId: string;
  readonly sampleTime: Date;
  readonly accuracy: number;
}

/** Where positions go (the deployed tracker, or the local stand-in): each comes back as a position event. */
export interface Tracker {
  updatePositions(updates: readonly PositionUpdate[]): Promise<void>;
}

/** What the admission of a position (the rate limit) came to. */
export type Admission = { readonly accept: true } | { readonly accept: false; readonly retryAfterSeconds: number };

/** Positions: the rate limit, the latest position of each user per role and their recent history. */
export interface PositionStore {
  /**
   * Admits a position of `userId` at `now` unless one was admitted less than a second before
   * (atomically: of two at once, one is admitted), noting the roles the position is for.
   */
  admit(userId: string, roles: readonly ProximityRole[], now: Date): Promise<Admission>;
  /** The roles `userId`'s positions are for (noted at admission), or undefined for a device nobody admitted. */
  rolesOf(userId: string): Promise<readonly ProximityRole[] | undefined>;
  /** Keeps a position: in the history, and as the latest of each role unless a later one is kept already. */
  record(userId: string, roles: readonly ProximityRole[], at: Point, sampledAt: Date): Promise<void>;
  /** The latest positions of `role` filed under `cells`, sampled at `since` or later. */
  near(role: ProximityRole, cells: readonly string[], since: Date): Promise<LatestPosition[]>;
  /** Forgets the latest position of `userId` in `role` (an officer who stops sharing is no longer found). */
  forget(userId: string, role: ProximityRole): Promise<void>;
}

/** Officers' sharing. */
export interface SharingStore {
  read(officerId: string): Promise<Sharing | undefined>;
  write(officerId: string, sharing: Sharing): Promise<void>;
}

/** A notification as the civilian's app reads it: no officer id, no coordinates (they meet by QR). */
export interface Notification {
  readonly id: string;
  readonly kind: 'officer-nearby';
  readonly at: string;
  readonly distanceMetres: number;
}

/** Civilians' notifications. */
export interface NotificationStore {
  /**
   * Leaves `notification` for the notice's civilian unless one about the same officer was left less
   * than five minutes before `at` (atomically: the quiet window and the notification are one
   * conditional transaction). Answers whether it was left.
   */
  notify(notice: DueNotice, notification: Notification, at: Date): Promise<boolean>;
  /**
   * The civilian's notifications, newest first, at `since` or later when given (at most `limit`):
   * inclusive, so a poll that passes the newest `at` it saw misses none left in the same
   * millisecond (the app skips the ids it has shown).
   */
  list(civilianId: string, since: Date | undefined, now: Date, limit: number): Promise<Notification[]>;
}

export interface TrackingStores {
  readonly positions: PositionStore;
  readonly sharing: SharingStore;
  readonly notifications: NotificationStore;
}

/** The proximity roles a caller's kinds give (a user may be in both groups). */
export const rolesOf = (caller: Caller): ProximityRole[] =>
  (['civilian', 'officer'] as const).filter((role) => caller.kinds.includes(role));

const notTracked = () => new Refusal('forbidden', 'NotTracked', 'Only civilians and officers send positions');
const notOfficer = () => new Refusal('forbidden', 'NotOfficer', 'Only an officer shares their location');
const notCivilian = () => new Refusal('forbidden', 'NotCivilian', 'Only a civilian reads proximity notifications');

/** What `acceptPosition` answers. */
export type PositionOutcome =
  | { readonly accepted: true; readonly at: string; readonly forwarded: boolean }
  | { readonly accepted: false; readonly retryAfterSeconds: number };

/**
 * A position from the caller's device: refused without a write if the caller sent one less than a
 * second ago; otherwise given to the tracker. An officer who is not a civilian too and does not
 * share is not tracked: the position is accepted and dropped here (it never reaches the tracker).
 */
export async function acceptPosition(
  stores: Pick<TrackingStores, 'positions' | 'sharing'>, tracker: Tracker, caller: Caller, report: PositionReport, now: Date = new Date(),
): Promise<PositionOutcome> {
  const roles = rolesOf(caller);
  if (roles.length === 0) throw notTracked();
  const admission = await stores.positions.admit(caller.userId, roles, now);
  if (!admission.accept) return { accepted: false, retryAfterSeconds: admission.retryAfterSeconds };
  const tracked = roles.includes('civilian') || isSharing(await stores.sharing.read(caller.userId), now);
  if (tracked) {
    const { latitude, longitude, accuracy } = report;
    await tracker.updatePositions([{ deviceId: caller.userId, sampleTime: now, latitude, longitude, accuracy }]);
  }
  return { accepted: true, at: now.toISOString(), forwarded: tracked };
}

/** Starts or renews (true) or stops (false) the officer's sharing. */
export async function setSharing(stores: Pick<TrackingStores, 'positions' | 'sharing'>, caller: Caller, sharing: boolean, now: Date = new Date()): Promise<SharingView> {
  if (!caller.kinds.includes('officer')) throw notOfficer();
  const next = sharing ? startSharing(now) : stopSharing();
  await stores.sharing.write(caller.userId, next);
  if (!sharing) await stores.positions.forget(caller.userId, 'officer');
  return sharingView(next, now);
}

/** The officer's sharing now (an expired one is off). */
export async function readSharing(stores: Pick<TrackingStores, 'sharing'>, caller: Caller, now: Date = new Date()): Promise<SharingView> {
  if (!caller.kinds.includes('officer')) throw notOfficer();
  return sharingView(await stores.sharing.read(caller.userId), now);
}

/** Notifications a civilian's app shows (newest first). */
export const NOTIFICATIONS_LIMIT = 50;

export async function readNotifications(stores: Pick<TrackingStores, 'notifications'>, caller: Caller, since: Date | undefined, now: Date = new Date()): Promise<{ notifications: Notification[] }> {
  if (!caller.kinds.includes('civilian')) throw notCivilian();
  return { notifications: await stores.notifications.list(caller.userId, since, now, NOTIFICATIONS_LIMIT) };
}

/** A device's position, as the tracker's position event carries it. */
export interface PositionEvent {
  readonly deviceId: string;
  readonly sampledAt: Date;
  readonly at: Point;
}

/** What handling a position event came to. */
export interface PositionEventOutcome {
  /** The roles the position was kept for (none: an unknown device, or an officer not sharing). */
  readonly roles: readonly ProximityRole[];
  /** Notifications left. */
  readonly notified: number;
}

/**
 * A position event (the tracker's, deployed or local): keeps the position for the device's roles
 * (an officer's only while sharing), then finds the other role's latest positions in the cells
 * within 3 m and leaves each civilian within 3 m of a sharing officer one notification per
 * officer per five minutes. Safe to run twice for one event (EventBridge delivers at least once).
 */
export async function handlePositionEvent(stores: TrackingStores, event: PositionEvent, now: Date = new Date()): Promise<PositionEventOutcome> {
  const known = await stores.positions.rolesOf(event.deviceId);
  if (!known) return { roles: [], notified: 0 };
  const roles: ProximityRole[] = [];
  if (known.includes('civilian')) roles.push('civilian');
  if (known.includes('officer') && isSharing(await stores.sharing.read(event.deviceId), now)) roles.push('officer');
  if (roles.length === 0) return { roles, notified: 0 };
  await stores.positions.record(event.deviceId, roles, event.at, event.sampledAt);

  const cells = cellsAround(event.at);
  const since = new Date(now.getTime() - FRESH_POSITION_SECONDS * 1000);
  let notified = 0;
  for (const role of roles) {
    const other: ProximityRole = role === 'civilian' ? 'officer' : 'civilian';
    const candidates = await stores.positions.near(other, cells, since);
    const officers = role === 'civilian' ? [...new Set(candidates.map((c) => c.userId))] : [event.deviceId];
    const sharingNow = new Set<string>();
    await Promise.all(officers.map(async (id) => {
      if (id === event.deviceId && role === 'officer') sharingNow.add(id);
      else if (isSharing(await stores.sharing.read(id), now)) sharingNow.add(id);
    }));
    const due = dueNotices({ userId: event.deviceId, role, at: event.at, sampledAt: event.sampledAt }, candidates, (id) => sharingNow.has(id), now);
    for (const notice of due) {
      const notification: Notification = { id: randomUUID(), kind: 'officer-nearby', at: now.toISOString(), distanceMetres: notice.distanceMetres };
      if (await stores.notifications.notify(notice, notification, now)) notified++;
    }
  }
  return { roles, notified };
}
