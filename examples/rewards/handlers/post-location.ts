import { HttpError } from '@cdk-rampart/lambda-kit';
import { rewardsApi } from './http/route';
import { PositionReport } from '../domain/proximity';
import { acceptPosition } from '../domain/tracking';
import { trackingStores } from '../storage/clients';
import { tracker } from '../storage/tracker';

/** One position per user per second: a faster device is told when to send the next one. */
class TooManyPositionsError extends HttpError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'TooManyRequests', `At most one position per second; send the next one in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}

/**
 * `POST /locations` (civilians and officers): the caller's position, validated, rate-limited and
 * handed to the tracker (deployed: Location Service; locally: the stand-in), whose position event
 * reaches the location-events worker. 202: proximity is worked out from that event.
 */
export const handler = rewardsApi({
  body: PositionReport,
  successStatus: 202,
  handle: async ({ body, caller }) => {
    const outcome = await acceptPosition(trackingStores(), tracker(), caller, body);
    if (!outcome.accepted) throw new TooManyPositionsError(outcome.retryAfterSeconds);
    return { accepted: true, at: outcome.at };
  },
});
