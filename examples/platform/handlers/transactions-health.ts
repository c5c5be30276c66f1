import { healthHandler } from './http/route';
import { database } from '../storage/database';
import { pingTransactions } from '../storage/transactions-store';

/** `GET /health/transactions` (transactionsHealth): the transactions schema answers, or 503. */
export const handler = healthHandler('transactions', () => pingTransactions(database()));
