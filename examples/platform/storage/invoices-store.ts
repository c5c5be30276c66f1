import type { Pool } from 'pg';
import type { Invoice, InvoicesStore } from '../domain/invoices';

const COLUMNS = "invoice_id, account_id, issuer, amount_minor, currency, to_char(due_date, 'YYYY-MM-DD') AS due_date, status";
const invoice = (r: any): Invoice => ({
  invoiceId: r.invoice_id,
  accountId: r.account_id,
  issuer: r.issuer,
  amountMinor: Number(r.amount_minor),
  currency: r.currency,
  dueDate: r.due_date,
  status: r.status,
});

/** The invoices service's store: its own schema `invoices` in PostgreSQL. */
export function invoicesStore(db: Pool): InvoicesStore {
  return {
    async insert(i) {
      const { rows } = await db.query(
        `INSERT INTO invoices.invoices (account_id, issuer, amount_minor, currency, due_date) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
        [i.accountId, i.issuer, i.amountMinor, i.currency, i.dueDate]);
      return invoice(rows[0]);
    },
    async latest(accountId, count) {
      const { rows } = await db.query(
        `SELECT ${COLUMNS} FROM invoices.invoices WHERE account_id = $1 ORDER BY invoices.due_date DESC, invoice_id DESC LIMIT $2`, [accountId, count]);
      return rows.map(invoice);
    },
  };
}

export async function pingInvoices(db: Pool): Promise<void> {
  await db.query('SELECT 1 FROM invoices.invoices LIMIT 1');
}
