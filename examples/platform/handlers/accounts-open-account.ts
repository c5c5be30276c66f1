import { platformApi } from './http/route';
import { type Account, NewAccount, openAccount } from '../domain/accounts';
import { accountsStore } from '../storage/accounts-store';
import { database } from '../storage/database';

/** `POST /accounts` (openAccount): an OPEN account with a zero balance. */
export const handler = platformApi({
  body: NewAccount,
  status: 201,
  location: (a: Account) => `/accounts/${a.accountId}`,
  handle: ({ body }) => openAccount(accountsStore(database()), body),
});
