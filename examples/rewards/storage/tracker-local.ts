import { randomUUID } from 'crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import type { Tracker } from '../domain/tracking';

/** The detail of Amazon Location Service's `Location Device Position Event` (a tracker's filtered position update). */
export interface DevicePositionDetail {
  readonly EventType: 'UPDATE';
  readonly TrackerName: string;
  readonly DeviceId: string;
  readonly SampleTime: string;
  readonly ReceivedTime: string;
  /** [longitude, latitude] */
  readonly Position: [number, number];
  readonly Accuracy?: { readonly Horizontal: number };
}

export const DEVICE_POSITION_EVENT = 'Location Device Position Event';
export type DevicePositionEvent = EventBridgeEvent<typeof DEVICE_POSITION_EVENT, DevicePositionDetail>;

/** Who receives the position events: the location-events handler. */
export type PositionEventConsumer = (event: DevicePositionEvent) => Promise<unknown>;

/** The stand-in's tracker name (it appears in the events as a deployed tracker's name does). */
export const LOCAL_TRACKER_NAME = 'rewards-local';

let connected: PositionEventConsumer | undefined;

/** Connects the local run's stand-in to its consumer (local-options.ts: the location-events handler). */
export function connectLocalTracker(consumer: PositionEventConsumer | undefined): void {
  connected = consumer;
}

/** The event Amazon Location Service puts on the default bus for `update` (as the deployed tracker sends it: no accuracy, see tracker-location-service.ts). */
export function devicePositionEvent(
  update: { deviceId: string; sampleTime: Date; latitude: number; longitude: number }, trackerName = LOCAL_TRACKER_NAME, now = new Date(),
): DevicePositionEvent {
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const account = '000000000000';
  return {
    'version': '0',
    'id': randomUUID(),
    'detail-type': DEVICE_POSITION_EVENT,
    'source': 'aws.geo',
    'account': account,
    'time': now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'region': region,
    'resources': [`arn:aws:geo:${region}:${account}:tracker/${trackerName}`],
    'detail': {
      EventType: 'UPDATE',
      TrackerName: trackerName,
      DeviceId: update.deviceId,
      SampleTime: update.sampleTime.toISOString(),
      ReceivedTime: now.toISOString(),
      Position: [update.longitude, update.latitude],
    },
  };
}

/**
 * The local run's tracker (Location Service has no local engine): positions in, the deployed
 * tracker's position events out, to the same location-events handler, in this process and before
 * `updatePositions` returns, so a `GET /notifications` right after a `POST /locations` sees its
 * effect. As deployed (EventBridge delivers asynchronously and retries), a failing consumer does
 * not fail the position: it is printed, as the local runner prints a failed request.
 */
export function localTracker(consumer: PositionEventConsumer | undefined = connected): Tracker {
  return {
    async updatePositions(updates) {
      if (!consumer) throw new Error('The local tracker has no consumer: the local run connects the location-events handler (connectLocalTracker)');
      for (const update of updates) {
        try {
          await consumer(devicePositionEvent(update));
        } catch (error) {
          console.error('[local] the location-events handler failed on a position event:', error);
        }
      }
    },
  };
}
