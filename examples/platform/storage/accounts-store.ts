import type { Pool } from 'pg';
import type { Account, AccountsStore, Balance, NewAccount } from '../domain/accounts';

const COLUMNS = 'account_id, customer_id, name, currency, status, opened_at';

const account = (r: any): Account => ({
  accountId: r.account_id,
  customerId: r.customer_id,
  name: r.name,
  currency: r.currency,
  status: r.status,
  openedAt: new Date(r.opened_at).toISOString(),
});

/** The accounts service's store: its own schema `accounts` in PostgreSQL. */
export function accountsStore(db: Pool): AccountsStore {
  return {
    async insert(a: NewAccount) {
      const { rows } = await db.query(`INSERT INTO accounts.accounts (customer_id, name, currency) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`, [a.customerId, a.name, a.currency]);
      return account(rows[0]);
    },
    async get(accountId) {
      const { rows } = await db.query(`SELECT ${COLUMNS} FROM accounts.accounts WHERE account_id = $1`, [accountId]);
      return rows[0] ? account(rows[0]) : undefined;
    },
    async listByCustomer(customerId) {
      const { rows } = await db.query(`SELECT ${COLUMNS} FROM accounts.accounts WHERE customer_id = $1 ORDER BY opened_at, account_id LIMIT 100`, [customerId]);
      return rows.map(account);
    },
    async balance(accountId): Promise<Balance | undefined> {
      const { rows } = await db.query('SELECT account_id, currency, available_minor, booked_minor, balance_as_of FROM accounts.accounts WHERE account_id = $1', [accountId]);
      const r = rows[0];
      if (!r) return undefined;
      return {
        accountId: r.account_id,
        currency: r.currency,
        availableMinor: Number(r.available_minor),
        bookedMinor: Number(r.booked_minor),
        asOf: new Date(r.balance_as_of).toISOString(),
      };
    },
  };
}

/** The health check's read of the service's own schema. */
export async function pingAccounts(db: Pool): Promise<void> {
  await db.query('SELECT 1 FROM accounts.accounts LIMIT 1');
}
