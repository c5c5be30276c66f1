import { BatchUpdateDevicePositionCommand, type LocationClient } from '@aws-sdk/client-location';
import type { Tracker } from '../domain/tracking';

/** At most this many positions per BatchUpdateDevicePosition call (the API's limit). */
const BATCH_LIMIT = 10;

/** A per-position error of the tracker: named as the SDK names the same error thrown, so a throttled or failing tracker is a 503. */
export class TrackerError extends Error {
  constructor(readonly code: string, message: string) {
    super(`The tracker refused a position: ${code}: ${message}`);
    this.name = code === 'ThrottlingError' ? 'ThrottlingException' : code === 'InternalServerError' ? 'InternalServerException' : 'TrackerError';
  }
}

/**
 * The deployed tracker: Amazon Location Service's BatchUpdateDevicePosition on the tracker
 * `trackerName` (the device is the user), whose filtered position events EventBridge hands to the
 * location-events worker.
 *
 * The accuracy is validated by the API but not sent: with accuracy-based filtering (the tracker's
 * mode), Location Service ignores a move shorter than the two positions' accuracies added up, and a
 * phone's 5-10 m would swallow the very steps that bring a civilian within 3 m. Without it every
 * update passes (the API's one position per user per second bounds them).
 */
export function locationServiceTracker(client: LocationClient, trackerName: string): Tracker {
  return {
    async updatePositions(updates) {
      for (let i = 0; i < updates.length; i += BATCH_LIMIT) {
        const out = await client.send(new BatchUpdateDevicePositionCommand({
          TrackerName: trackerName,
          Updates: updates.slice(i, i + BATCH_LIMIT).map((u) => ({
            DeviceId: u.deviceId, SampleTime: u.sampleTime, Position: [u.longitude, u.latitude],
          })),
        }));
        const failed = out.Errors?.[0];
        if (failed) throw new TrackerError(failed.Error?.Code ?? 'Unknown', failed.Error?.Message ?? 'no message');
      }
    },
  };
}
