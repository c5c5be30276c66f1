/**
 * Stands in for jiti in the schema-migration handler's bundle (esbuild `--alias:jiti=`).
 *
 * node-pg-migrate loads JavaScript and TypeScript migrations through jiti, a TypeScript loader that
 * is most of the bundle's size. DatabaseMigrations runs only the folder's `.sql` files, which
 * node-pg-migrate reads itself, so this loader is created at import and never called.
 */
export function createJiti(): { import(file: string): Promise<never> } {
  return {
    import: async (file: string) => {
      throw new Error(`${file}: DatabaseMigrations runs .sql migration files only`);
    },
  };
}
