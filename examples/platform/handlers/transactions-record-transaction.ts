import { platformApi } from './http/route';
import { NewTransaction, recordTransaction, type Transaction } from '../domain/transactions';
import { database } from '../storage/database';
import { transactionsStore } from '../storage/transactions-store';

/** `POST /transactions` (recordTransaction): a negative amount is a debit. */
export const handler = platformApi({
  body: NewTransaction,
  status: 201,
  location: (t: Transaction) => `/transactions/${t.transactionId}`,
  handle: ({ body }) => recordTransaction(transactionsStore(database()), body),
});
