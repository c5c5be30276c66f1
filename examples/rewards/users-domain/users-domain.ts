import * as path from 'path';
import type { ClientBase } from 'pg';

/**
 * The users domain: the relational model (PostgreSQL, schema by migrations/) kept from the users
 * and transactions streams, and the questions it answers. On AWS it runs as a long-running
 * container (ContainerService) reading both streams; in tests and the local run it is this module
 * in a plain process. Applying a record is idempotent (`ON CONFLICT DO NOTHING` on the record's
 * id), so records delivered again, or both streams replayed from the start, change nothing.
 */

/** The folder of the schema migrations (applied in order with node-pg-migrate). */
export const MIGRATIONS_DIR = path.join(__dirname, 'migrations');

/** A record of either stream, as the forwarders put it (analytics.ts columns). */
export type StreamRecord = Record<string, unknown> & { readonly event_type: string };

/** Applies records in order, each once; answers how many changed the model (the rest were repeats). */
export async function applyRecords(db: ClientBase, records: readonly StreamRecord[]): Promise<number> {
  let changed = 0;
  for (const r of records) {
    if (r.event_type === 'user-created') {
      const out = await db.query('INSERT INTO users (user_id, kind, created_at) VALUES ($1, $2, $3) ON CONFLICT (user_id) DO NOTHING', [r.user_id, r.kind, r.occurred_at]);
      changed += out.rowCount ?? 0;
    } else if (r.event_type === 'transaction.applied') {
      const out = await db.query(
        `INSERT INTO transactions (transaction_id, kind, from_id, to_id, units, from_points, to_points, goods, rules_version, occurred_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (transaction_id) DO NOTHING`,
        [r.transaction_id, r.kind, r.from_id, r.to_id, r.units, r.from_points, r.to_points, r.goods ?? null, r.rules_version, r.occurred_at],
      );
      changed += out.rowCount ?? 0;
    } else {
      throw new Error(`Unknown record type ${String(r.event_type)}`);
    }
  }
  return changed;
}

/** A user's or merchant's profile: kind, since when, transactions and points in and out. */
export async function profile(db: ClientBase, userId: string): Promise<Record<string, unknown> | undefined> {
  const out = await db.query(
    `SELECT u.user_id, u.kind, u.created_at,
       (SELECT count(*)::int FROM transactions t WHERE t.from_id = u.user_id OR t.to_id = u.user_id) AS transactions,
       (SELECT coalesce(sum(CASE WHEN t.from_id = u.user_id THEN t.from_points ELSE 0 END
                          + CASE WHEN t.to_id = u.user_id THEN t.to_points ELSE 0 END), 0)::int
          FROM transactions t WHERE t.from_id = u.user_id OR t.to_id = u.user_id) AS points
     FROM users u WHERE u.user_id = $1`, [userId]);
  return out.rows[0];
}

/** The officers a civilian has met (encounters), with how often and when last. */
export async function officersMet(db: ClientBase, civilianId: string): Promise<Record<string, unknown>[]> {
  const out = await db.query(
    `SELECT to_id AS officer_id, count(*)::int AS encounters, max(occurred_at) AS last_met
     FROM transactions WHERE kind = 'encounter' AND from_id = $1 GROUP BY to_id ORDER BY to_id`, [civilianId]);
  return out.rows;
}

/** The donations to a family (or charity), oldest first. */
export async function donationsTo(db: ClientBase, recipientId: string): Promise<Record<string, unknown>[]> {
  const out = await db.query(
    `SELECT transaction_id, from_id AS donor_id, to_points AS points, occurred_at
     FROM transactions WHERE kind = 'donation' AND to_id = $1 ORDER BY occurred_at, transaction_id`, [recipientId]);
  return out.rows;
}

/** The goods a merchant sold: units and points per item. */
export async function goodsSold(db: ClientBase, merchantId: string): Promise<Record<string, unknown>[]> {
  const out = await db.query(
    `SELECT goods, sum(units)::int AS units, sum(to_points)::int AS points, count(*)::int AS exchanges
     FROM transactions WHERE kind = 'exchange' AND to_id = $1 GROUP BY goods ORDER BY goods`, [merchantId]);
  return out.rows;
}
