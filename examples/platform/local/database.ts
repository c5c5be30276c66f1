import * as fs from 'fs';
import * as path from 'path';
import { Client } from 'pg';
import type * as Migrations from '../../../src/data/database-migrations.lambda';
import { REPO_ROOT } from '../../shared/stack/routes';
import { migrationsDir, migrationsTable, type PlatformServiceName } from '../system';

/** A PostgreSQL server and a superuser on it (what tools/engines/postgres publishes). */
export interface PostgresServer {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
}

/** The connection settings of one database on a server. */
export interface PostgresDatabase extends PostgresServer {
  readonly database: string;
}

/**
 * The migrations runner DatabaseMigrations deploys: its bundle (`npx projen bundle` writes it), so
 * the local run and the tests apply migrations exactly as the deployed function does.
 */
export function migrationsRunner(): typeof Migrations.migrate {
  const bundle = path.join(REPO_ROOT, 'assets', 'data', 'database-migrations.lambda', 'index.js');
  if (!fs.existsSync(bundle)) throw new Error(`${path.relative(REPO_ROOT, bundle)} is missing: run 'npx projen bundle'`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle DatabaseMigrations deploys
  return (require(bundle) as typeof Migrations).migrate;
}

async function asAdmin(server: PostgresServer, sql: string): Promise<void> {
  const admin = new Client({ ...server, database: 'postgres' });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/**
 * A fresh database (dropped first if it exists) holding `services`' schemas, each made by its own
 * migrations and recorded in its own migrations table, one service after another as the
 * Dependencies stack runs them. Answers the migrations applied, by service.
 */
export async function createPlatformDatabase(
  server: PostgresServer, database: string, services: readonly PlatformServiceName[],
): Promise<{ readonly connection: PostgresDatabase; readonly applied: Partial<Record<PlatformServiceName, string[]>> }> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database)) throw new Error(`database '${database}': a lower-case PostgreSQL identifier is expected`);
  const migrate = migrationsRunner();
  await asAdmin(server, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await asAdmin(server, `CREATE DATABASE ${database}`);
  const connection = { ...server, database };
  const applied: Partial<Record<PlatformServiceName, string[]>> = {};
  for (const service of services) {
    applied[service] = await migrate(connection, { dir: migrationsDir(service), table: migrationsTable(service), log: () => undefined });
  }
  return { connection, applied };
}

/** Drops a database `createPlatformDatabase` made, with whatever connections are still open to it. */
export async function dropPlatformDatabase(server: PostgresServer, database: string): Promise<void> {
  await asAdmin(server, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
}

/**
 * Points the services' handlers at a database: the PG* variables their pool reads (as libpq does),
 * without TLS (a local server on 127.0.0.1).
 */
export function useDatabase(connection: PostgresDatabase): void {
  Object.assign(process.env, {
    PGHOST: connection.host,
    PGPORT: String(connection.port),
    PGUSER: connection.user,
    PGPASSWORD: connection.password,
    PGDATABASE: connection.database,
    PGSSLMODE: 'disable',
  });
}
