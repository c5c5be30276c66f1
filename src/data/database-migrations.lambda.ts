import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { Client, ClientConfig } from 'pg';
import { respond } from '../private/cfn-response';
import { migrationFiles, migrationsHash } from './private/migration-files';

/**
 * Custom resource handler of `DatabaseMigrations`: applies the SQL files of the migrations folder
 * (a Lambda layer, at MIGRATIONS_DIR) to the database, in order, with node-pg-migrate.
 *
 * - Each file is a migration (`-- Up Migration` / `-- Down Migration` sections are understood;
 *   a file without them is all "up"). Applied ones are recorded in the migrations table and never
 *   run again, so a redeploy with the same folder changes nothing.
 * - The pending migrations of one deployment run in one transaction: when one fails, none of them
 *   stays, and the deployment fails with the file's name and PostgreSQL's message.
 * - Runners take PostgreSQL's advisory lock (waiting for it), so two deployments never apply a
 *   migration twice; after the lock, the runner reads what is applied.
 * - Delete leaves the schema alone: it lives with the data, which the database keeps.
 * - An Update whose files are not the ones on disk but the previous ones are is CloudFormation
 *   rolling back a failed update: nothing is applied (no migration is ever undone).
 *
 * It answers CloudFormation itself (a PUT to the pre-signed ResponseURL), before the function's
 * own timeout when the database does not answer.
 */

/** Where the migrations are and how they are recorded. */
export interface MigrateOptions {
  /** The folder of the `.sql` files. */
  readonly dir: string;
  /** The table recording applied migrations. @default 'schema_migrations' */
  readonly table?: string;
  /** Receives node-pg-migrate's log lines. @default console.log */
  readonly log?: (line: string) => void;
  /** Ends the session (rolling back) when aborted, e.g. when the deployment's time is up. */
  readonly signal?: AbortSignal;
}

/** A migration that failed: the file, and PostgreSQL's message. */
export class MigrationError extends Error {
  constructor(public readonly file: string | undefined, cause: Error) {
    super(file
      ? `Migration ${file} failed and was rolled back with the other migrations of this deployment: ${cause.message}`
      : `Migrations failed: ${cause.message}`);
    this.name = 'MigrationError';
  }
}

/** Applies the pending migrations of `options.dir`; returns the names applied (empty when none was pending). */
export async function migrate(connection: ClientConfig, options: MigrateOptions): Promise<string[]> {
  const files = migrationFiles(options.dir);
  const log = options.log ?? ((line: string) => console.log(line));
  let current: string | undefined;
  const capture = (line: string) => {
    // node-pg-migrate announces each migration before it runs it.
    const m = /^### MIGRATION (.+) \(UP\) ###$/.exec(line);
    if (m) current = files.find((f) => f.replace(/\.sql$/, '') === m[1]) ?? m[1];
    log(line);
  };
  const client = new Client({ ...connection, connectionTimeoutMillis: connection.connectionTimeoutMillis ?? 10_000 });
  // A session ended by the server (or by the signal) must not crash the process.
  client.on('error', (e) => log(`database session ended: ${e.message}`));
  const abort = () => { void client.end().catch(() => undefined); };
  options.signal?.addEventListener('abort', abort, { once: true });
  await client.connect();
  try {
    // node-pg-migrate is an ES module; esbuild bundles it into this (CommonJS) handler.
    const { runner } = await import('node-pg-migrate');
    const applied = await runner({
      dbClient: client,
      dir: options.dir,
      // Only the folder's .sql files (hidden files and anything else are ignored).
      ignorePattern: '(\\..*|(?!.*\\.sql$).*)',
      direction: 'up',
      migrationsTable: options.table ?? 'schema_migrations',
      singleTransaction: true,
      advisoryLockMode: 'wait',
      checkOrder: true,
      log: capture,
    });
    return applied.map((m) => `${m.name}.sql`);
  } catch (e) {
    throw new MigrationError(current, e as Error);
  } finally {
    options.signal?.removeEventListener('abort', abort);
    // Ending the session also releases the advisory lock and rolls back anything left open.
    await client.end().catch(() => undefined);
  }
}

/** The resource properties the construct sets. */
interface Properties {
  readonly Host: string;
  readonly Port: string;
  readonly Database: string;
  readonly SecretArn: string;
  readonly MigrationsHash: string;
  readonly Table?: string;
}

const secrets = new SecretsManagerClient({});

/** How the handler reaches its dependencies (tests give local ones). */
export interface HandlerDependencies {
  /** The folder holding the migrations. */
  readonly dir: string;
  /** Reads the administrator secret: `{ username, password }`. */
  readonly readSecret: (arn: string) => Promise<{ username: string; password: string }>;
  /** TLS settings of the connection. */
  readonly ssl: ClientConfig['ssl'];
}

async function readSecret(arn: string): Promise<{ username: string; password: string }> {
  const out = await secrets.send(new GetSecretValueCommand({ SecretId: arn }));
  const value = JSON.parse(out.SecretString ?? '{}');
  if (typeof value.username !== 'string' || typeof value.password !== 'string') throw new Error(`The secret ${arn} has no username and password`);
  return value;
}

const deployed: HandlerDependencies = {
  dir: process.env.MIGRATIONS_DIR ?? '/opt',
  readSecret,
  // Aurora requires TLS (rds.force_ssl); NODE_EXTRA_CA_CERTS gives Node.js the RDS certificate authorities.
  ssl: { rejectUnauthorized: true },
};

/** What to do with one request, and the data to answer with. */
export async function apply(event: CloudFormationCustomResourceEvent, deps: HandlerDependencies, signal?: AbortSignal)
  : Promise<{ physicalResourceId: string; data: Record<string, string> }> {
  const props = event.ResourceProperties as unknown as Properties;
  const physicalResourceId = event.RequestType === 'Create' ? `migrations:${props.Database}` : event.PhysicalResourceId;
  if (event.RequestType === 'Delete') return { physicalResourceId, data: { Applied: '', Count: '0' } };
  const onDisk = migrationsHash(deps.dir);
  if (onDisk !== props.MigrationsHash) {
    const previous = event.RequestType === 'Update' ? (event.OldResourceProperties as unknown as Properties).MigrationsHash : undefined;
    if (previous === onDisk) {
      console.log(JSON.stringify({ level: 'INFO', message: 'rollback of a failed update: the files on disk are the newer ones, nothing is applied' }));
      return { physicalResourceId, data: { Applied: '', Count: '0' } };
    }
    throw new Error(`The migration files in ${deps.dir} (hash ${onDisk}) are not the ones this deployment asks for (hash ${props.MigrationsHash})`);
  }
  const secret = await deps.readSecret(props.SecretArn);
  const applied = await migrate({
    host: props.Host, port: Number(props.Port), database: props.Database, user: secret.username, password: secret.password, ssl: deps.ssl,
  }, { dir: deps.dir, table: props.Table, signal });
  return { physicalResourceId, data: { Applied: applied.join(','), Count: String(applied.length) } };
}

/** Handles one request with the given dependencies and answers CloudFormation. */
export async function handle(event: CloudFormationCustomResourceEvent, context: Pick<Context, 'getRemainingTimeInMillis'>, deps: HandlerDependencies): Promise<void> {
  const fallbackId = event.RequestType === 'Create' ? `migrations:${(event.ResourceProperties as unknown as Properties).Database}` : event.PhysicalResourceId;
  let timer: NodeJS.Timeout | undefined;
  const timeUp = new AbortController();
  // Answer FAILED before Lambda ends the function (CloudFormation would otherwise wait an hour),
  // and end the session, which rolls back what was under way.
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      timeUp.abort();
      reject(new Error('The migrations did not finish in time: the database did not answer or a migration ran too long'));
    }, Math.max(1000, context.getRemainingTimeInMillis() - 10_000));
  });
  try {
    const { physicalResourceId, data } = await Promise.race([apply(event, deps, timeUp.signal), deadline]);
    await respond(event, 'SUCCESS', physicalResourceId, data);
  } catch (e) {
    console.log(JSON.stringify({ level: 'ERROR', message: 'migrations failed', error: (e as Error).message }));
    await respond(event, 'FAILED', fallbackId, undefined, (e as Error).message);
  } finally {
    clearTimeout(timer);
  }
}

export async function handler(event: CloudFormationCustomResourceEvent, context: Context): Promise<void> {
  await handle(event, context, deployed);
}

