import { logger } from '@cdk-rampart/lambda-kit';
import * as z from 'zod';
import { handlePositionEvent, type PositionEventOutcome } from '../domain/tracking';
import { trackingStores } from '../storage/clients';

/** What the worker reads of a `Location Device Position Event` (aws.geo): the rest is ignored. */
const DevicePositionEvent = z.object({
  'source': z.literal('aws.geo'),
  'detail-type': z.literal('Location Device Position Event'),
  'detail': z.object({
    EventType: z.literal('UPDATE'),
    TrackerName: z.string().min(1),
    DeviceId: z.string().min(1).max(100),
    SampleTime: z.iso.datetime({ offset: true }),
    Position: z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]),
  }),
});

/**
 * The tracker's position events (EventBridge; locally the stand-in tracker): each device position
 * is kept for a short while and checked for proximity (domain/tracking.ts `handlePositionEvent`).
 * An event that is not a position update (a geofence event, a malformed one) is logged and
 * dropped: retrying would not change it. A failing table throws, so EventBridge retries and, at
 * the end, the rule's dead-letter queue keeps the event.
 */
export async function handler(event: unknown): Promise<PositionEventOutcome | { ignored: string }> {
  const parsed = DevicePositionEvent.safeParse(event);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    logger.warn('Not a device position update; dropped', { reason });
    return { ignored: reason };
  }
  const { DeviceId, SampleTime, Position: [longitude, latitude] } = parsed.data.detail;
  const outcome = await handlePositionEvent(trackingStores(), { deviceId: DeviceId, sampledAt: new Date(SampleTime), at: { latitude, longitude } });
  logger.info('Position event handled', { roles: outcome.roles, notified: outcome.notified });
  return outcome;
}
