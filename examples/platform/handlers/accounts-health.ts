import { healthHandler } from './http/route';
import { pingAccounts } from '../storage/accounts-store';
import { database } from '../storage/database';

/** `GET /health/accounts` (accountsHealth): the accounts schema answers, or 503. */
export const handler = healthHandler('accounts', () => pingAccounts(database()));
