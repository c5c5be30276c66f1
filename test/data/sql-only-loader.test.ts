import * as fs from 'fs';
import * as path from 'path';
import { createJiti } from '../../src/data/private/sql-only-loader';

describe('the loader the schema-migration bundle carries instead of jiti', () => {
  test('refuses a script migration, naming the file and what runs', async () => {
    await expect(createJiti().import('/opt/migrations/0003_seed.ts')).rejects.toThrow(
      '/opt/migrations/0003_seed.ts: DatabaseMigrations runs .sql migration files only',
    );
  });

  test('replaces jiti in the bundle that deploys', () => {
    const bundle = path.resolve(__dirname, '../../assets/data/database-migrations.lambda/index.js');
    if (!fs.existsSync(bundle)) throw new Error(`${bundle} is missing: run 'npx projen bundle'`);
    const code = fs.readFileSync(bundle, 'utf-8');
    expect(code).toContain('DatabaseMigrations runs .sql migration files only');
    // jiti's own transpiler hooks are absent (it brings its own Babel build).
    expect(code).not.toMatch(/jitiImport|JITI_/);
  });
});
