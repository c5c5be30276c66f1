import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MIGRATION_FILE, migrationFiles, migrationsHash } from '../../src/data/private/migration-files';

function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
  for (const [name, body] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), body);
  return dir;
}

describe('migration files', () => {
  test('a migration file is a visible .sql file', () => {
    expect(MIGRATION_FILE.test('001_init.sql')).toBe(true);
    expect(MIGRATION_FILE.test('.001_init.sql')).toBe(false);
    expect(MIGRATION_FILE.test('001_init.sql.bak')).toBe(false);
    expect(MIGRATION_FILE.test('README.md')).toBe(false);
  });

  test('only top-level .sql files, ordered with numbers compared as numbers', () => {
    const dir = folder({ '10_c.sql': '', '2_b.sql': '', '1_a.sql': '', '.hidden.sql': '', 'notes.txt': '' });
    fs.mkdirSync(path.join(dir, '3_dir.sql'));
    expect(migrationFiles(dir)).toEqual(['1_a.sql', '2_b.sql', '10_c.sql']);
  });

  test('the hash follows the names and contents of the migration files only', () => {
    const a = folder({ '1_a.sql': 'create table a();', 'notes.txt': 'x' });
    const same = folder({ '1_a.sql': 'create table a();' });
    const changed = folder({ '1_a.sql': 'create table b();' });
    const renamed = folder({ '2_a.sql': 'create table a();' });
    expect(migrationsHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(migrationsHash(a)).toEqual(migrationsHash(same));
    expect(migrationsHash(a)).not.toEqual(migrationsHash(changed));
    expect(migrationsHash(a)).not.toEqual(migrationsHash(renamed));
  });
});
