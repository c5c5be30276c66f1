import * as z from 'zod';

export const NewInvoice = z.strictObject({
  accountId: z.string().regex(/^a-[0-9]{1,12}$/),
  issuer: z.string().min(1).max(200),
  amountMinor: z.number().int().min(1).max(100_000_000),
  currency: z.enum(['EUR', 'USD', 'GBP']),
  dueDate: z.iso.date(),
});
export type NewInvoice = z.infer<typeof NewInvoice>;

export interface Invoice extends NewInvoice {
  readonly invoiceId: string;
  readonly status: 'DUE' | 'PAID';
}

export interface InvoicesStore {
  insert(invoice: NewInvoice): Promise<Invoice>;
  latest(accountId: string, count: number): Promise<Invoice[]>;
}

export async function createInvoice(store: InvoicesStore, invoice: NewInvoice): Promise<Invoice> {
  return store.insert(invoice);
}

/** The latest `count` invoices of an account, newest due date first. */
export async function listAccountInvoices(store: InvoicesStore, accountId: string, count: number): Promise<{ items: Invoice[] }> {
  return { items: await store.latest(accountId, count) };
}
