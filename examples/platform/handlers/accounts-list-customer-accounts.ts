import { platformApi } from './http/route';
import { CustomerParams, listCustomerAccounts } from '../domain/accounts';
import { accountsStore } from '../storage/accounts-store';
import { database } from '../storage/database';

/** `GET /customers/{customerId}/accounts` (listCustomerAccounts): oldest first. */
export const handler = platformApi({
  params: CustomerParams,
  handle: ({ params }) => listCustomerAccounts(accountsStore(database()), params.customerId),
});
