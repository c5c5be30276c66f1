import { rewardsApi } from './http/route';
import { TransactionRequest } from '../domain/model';
import { applyTransaction } from '../domain/transactions';
import { scoringStores } from '../storage/clients';

/**
 * `POST /transactions`: an encounter, a donation, a giveaway or an exchange, priced by the current
 * rules and applied to both balances at once. 201 with the transaction (and the rules version it
 * was priced under); the same transaction id again answers the recorded one (`replayed: true`)
 * and changes nothing; too few points is a 409, a rule refusal a 422, nothing applied.
 */
export const handler = rewardsApi({
  body: TransactionRequest,
  successStatus: 201,
  handle: ({ body, caller }) => applyTransaction(scoringStores(), caller, body),
});
