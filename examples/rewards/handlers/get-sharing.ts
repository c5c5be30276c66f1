import { NoBody } from './http/requests';
import { rewardsApi } from './http/route';
import { readSharing } from '../domain/tracking';
import { trackingStores } from '../storage/clients';

/** `GET /sharing` (officers): whether the officer shares their location now, and until when. */
export const handler = rewardsApi({ body: NoBody, handle: ({ caller }) => readSharing(trackingStores(), caller) });
