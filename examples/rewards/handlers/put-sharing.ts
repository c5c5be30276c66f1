import * as z from 'zod';
import { rewardsApi } from './http/route';
import { setSharing } from '../domain/tracking';
import { trackingStores } from '../storage/clients';

const SharingRequest = z.strictObject({ sharing: z.boolean({ error: 'sharing: true (start or renew for 15 minutes) or false (stop)' }) });

/** `PUT /sharing` (officers): starts or renews (15 minutes from now) or stops sharing the officer's location. */
export const handler = rewardsApi({
  body: SharingRequest,
  handle: ({ body, caller }) => setSharing(trackingStores(), caller, body.sharing),
});
