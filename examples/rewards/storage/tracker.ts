import { LocationClient } from '@aws-sdk/client-location';
import { bounded, sdkClientConfig, tracer } from '@cdk-rampart/lambda-kit';
import { localTracker } from './tracker-local';
import { locationServiceTracker } from './tracker-location-service';
import { REWARDS_ENV } from '../domain/settings';
import type { Tracker } from '../domain/tracking';

let location: LocationClient | undefined;

/**
 * The tracker: the Location Service tracker named in `REWARDS_TRACKER_NAME` (one traced client
 * per container), or (local runs and tests, `REWARDS_LOCAL_TRACKER=in-process`) the stand-in that
 * hands each position to the location-events handler in this process. Only the position route
 * loads this module (and the Location Service client with it).
 */
export function tracker(): Tracker {
  const name = process.env[REWARDS_ENV.TRACKER_NAME];
  if (name) return locationServiceTracker((location ??= tracer.captureAWSv3Client(bounded(new LocationClient(sdkClientConfig())))), name);
  if (process.env[REWARDS_ENV.LOCAL_TRACKER] === 'in-process') return localTracker();
  throw new Error(`${REWARDS_ENV.TRACKER_NAME} is not set`);
}
