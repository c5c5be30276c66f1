import { NoBody } from './http/requests';
import { rewardsApi } from './http/route';
import { readBalance } from '../domain/transactions';
import { ledgerRepository } from '../storage/clients';

/** `GET /balance`: the caller's points. */
export const handler = rewardsApi({ body: NoBody, handle: ({ caller }) => readBalance(ledgerRepository(), caller) });
