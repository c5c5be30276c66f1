import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** A migration file: a `.sql` file at the top of the folder, not hidden. */
export const MIGRATION_FILE = /^[^.].*\.sql$/;

/** The migration files of a folder, in the order they are applied (by name, numbers compared as numbers). */
export function migrationFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .filter((d) => (d.isFile() || d.isSymbolicLink()) && MIGRATION_FILE.test(d.name))
    .map((d) => d.name)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/**
 * A hash of the migration files (names and contents): the same at synth, where it goes into the
 * custom resource's properties so that a changed folder runs the migrations again, and in the
 * handler, which checks that the files it sees are the ones the request was made for.
 */
export function migrationsHash(dir: string): string {
  const hash = createHash('sha256');
  for (const name of migrationFiles(dir)) {
    hash.update(`${name}\0`);
    hash.update(fs.readFileSync(path.join(dir, name)));
    hash.update('\0');
  }
  return hash.digest('hex');
}
