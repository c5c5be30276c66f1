import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics } from '@cdk-rampart/lambda-kit';
import { rewardsApi } from './http/route';
import { TransactionRequest, type TransactionKind } from '../domain/model';
import { applyTransaction } from '../domain/transactions';
import { scoringStores } from '../storage/clients';

/** The business metric each kind of applied transaction counts in (the monitoring stack's dashboard reads these names). */
export const TRANSACTION_METRICS: Record<TransactionKind, string> = {
  encounter: 'Encounters',
  donation: 'Donations',
  giveaway: 'Giveaways',
  exchange: 'Exchanges',
};

/** The metric counting balances changed by applied transactions. */
export const BALANCE_UPDATES_METRIC = 'BalanceUpdates';

/**
 * `POST /transactions`: an encounter, a donation, a giveaway or an exchange, priced by the current
 * rules and applied to both balances at once. 201 with the transaction (and the rules version it
 * was priced under); the same transaction id again answers the recorded one (`replayed: true`)
 * and changes nothing; too few points is a 409, a rule refusal a 422, nothing applied.
 */
export const handler = rewardsApi({
  body: TransactionRequest,
  successStatus: 201,
  handle: async ({ body, caller }) => {
    const outcome = await applyTransaction(scoringStores(), caller, body);
    if (!outcome.replayed) {
      // Counted once, when applied: a replay changed nothing.
      metrics.addMetric(TRANSACTION_METRICS[outcome.transaction.kind], MetricUnit.Count, 1);
      metrics.addMetric(BALANCE_UPDATES_METRIC, MetricUnit.Count, outcome.transaction.changes.length);
    }
    return outcome;
  },
});
