import type { Pool } from 'pg';
import type { Transaction, TransactionsStore } from '../domain/transactions';

const COLUMNS = 'transaction_id, account_id, amount_minor, currency, description, booked_at';
const transaction = (r: any): Transaction => ({
  transactionId: r.transaction_id,
  accountId: r.account_id,
  amountMinor: Number(r.amount_minor),
  currency: r.currency,
  description: r.description,
  bookedAt: new Date(r.booked_at).toISOString(),
});

/** The transactions service's store: its own schema `transactions` in PostgreSQL. */
export function transactionsStore(db: Pool): TransactionsStore {
  return {
    async insert(t) {
      const { rows } = await db.query(
        `INSERT INTO transactions.transactions (account_id, amount_minor, currency, description) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
        [t.accountId, t.amountMinor, t.currency, t.description]);
      return transaction(rows[0]);
    },
    async latest(accountId, count) {
      const { rows } = await db.query(
        `SELECT ${COLUMNS} FROM transactions.transactions WHERE account_id = $1 ORDER BY booked_at DESC, transaction_id DESC LIMIT $2`, [accountId, count]);
      return rows.map(transaction);
    },
  };
}

export async function pingTransactions(db: Pool): Promise<void> {
  await db.query('SELECT 1 FROM transactions.transactions LIMIT 1');
}
