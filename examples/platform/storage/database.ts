import { Pool, type PoolConfig } from 'pg';

let pool: Pool | undefined;

/**
 * The service's connection pool, created once per container: PG* variables (PGHOST, PGPORT,
 * PGDATABASE, PGUSER, PGPASSWORD) as libpq reads them, TLS unless PGSSLMODE is `disable`.
 * One connection per container: Lambda runs one request at a time in it.
 */
export function database(config: PoolConfig = {}): Pool {
  if (!pool) {
    pool = new Pool({
      max: 1,
      connectionTimeoutMillis: 3_000,
      statement_timeout: 5_000,
      ssl: process.env.PGSSLMODE === 'disable' ? false : { rejectUnauthorized: true },
      ...config,
    });
  }
  return pool;
}

/** Closes the pool (tests, and a container that switches databases). */
export async function closeDatabase(): Promise<void> {
  const p = pool;
  pool = undefined;
  await p?.end();
}
