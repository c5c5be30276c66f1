import { platformApi } from './http/route';
import { AccountParams } from '../domain/accounts';
import { LatestQuery } from '../domain/paging';
import { listAccountTransactions } from '../domain/transactions';
import { database } from '../storage/database';
import { transactionsStore } from '../storage/transactions-store';

/** `GET /accounts/{accountId}/transactions?latest=n` (listAccountTransactions): newest first. */
export const handler = platformApi({
  params: AccountParams,
  query: LatestQuery,
  handle: ({ params, query }) => listAccountTransactions(transactionsStore(database()), params.accountId, query.latest),
});
