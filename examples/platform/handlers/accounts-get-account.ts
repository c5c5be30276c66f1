import { platformApi } from './http/route';
import { AccountParams, getAccount } from '../domain/accounts';
import { accountsStore } from '../storage/accounts-store';
import { database } from '../storage/database';

/** `GET /accounts/{accountId}` (getAccount). */
export const handler = platformApi({
  params: AccountParams,
  handle: ({ params }) => getAccount(accountsStore(database()), params.accountId),
});
