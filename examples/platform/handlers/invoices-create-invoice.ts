import { platformApi } from './http/route';
import { createInvoice, type Invoice, NewInvoice } from '../domain/invoices';
import { database } from '../storage/database';
import { invoicesStore } from '../storage/invoices-store';

/** `POST /invoices` (createInvoice): DUE. */
export const handler = platformApi({
  body: NewInvoice,
  status: 201,
  location: (i: Invoice) => `/invoices/${i.invoiceId}`,
  handle: ({ body }) => createInvoice(invoicesStore(database()), body),
});
