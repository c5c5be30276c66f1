import type { Pool } from 'pg';
import type { Customer, CustomersStore } from '../domain/customers';

const COLUMNS = 'customer_id, name, email, created_at';
const customer = (r: any): Customer => ({ customerId: r.customer_id, name: r.name, email: r.email, createdAt: new Date(r.created_at).toISOString() });

/** The customers service's store: its own schema `customers` in PostgreSQL. */
export function customersStore(db: Pool): CustomersStore {
  return {
    async insert(c) {
      const { rows } = await db.query(
        `INSERT INTO customers.customers (name, email) VALUES ($1, $2) ON CONFLICT ((lower(email))) DO NOTHING RETURNING ${COLUMNS}`, [c.name, c.email]);
      return rows[0] ? customer(rows[0]) : undefined;
    },
    async get(customerId) {
      const { rows } = await db.query(`SELECT ${COLUMNS} FROM customers.customers WHERE customer_id = $1`, [customerId]);
      return rows[0] ? customer(rows[0]) : undefined;
    },
  };
}

export async function pingCustomers(db: Pool): Promise<void> {
  await db.query('SELECT 1 FROM customers.customers LIMIT 1');
}
