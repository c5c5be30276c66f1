import { platformApi } from './http/route';
import { AccountParams, getBalance } from '../domain/accounts';
import { accountsStore } from '../storage/accounts-store';
import { database } from '../storage/database';

/** `GET /accounts/{accountId}/balance` (getBalance). */
export const handler = platformApi({
  params: AccountParams,
  handle: ({ params }) => getBalance(accountsStore(database()), params.accountId),
});
