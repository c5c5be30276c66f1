import { platformApi } from './http/route';
import { AccountParams } from '../domain/accounts';
import { listAccountInvoices } from '../domain/invoices';
import { LatestQuery } from '../domain/paging';
import { database } from '../storage/database';
import { invoicesStore } from '../storage/invoices-store';

/** `GET /accounts/{accountId}/invoices?latest=n` (listAccountInvoices): newest due date first. */
export const handler = platformApi({
  params: AccountParams,
  query: LatestQuery,
  handle: ({ params, query }) => listAccountInvoices(invoicesStore(database()), params.accountId, query.latest),
});
