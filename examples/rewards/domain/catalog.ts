import * as fs from 'fs';
import * as z from 'zod';

/**
 * The catalogs of charities and families in need, as an external registry lists them. They are
 * imported on a schedule into DynamoDB (handlers/catalog-import.ts) through a `CatalogProvider`;
 * a charity or family signs up only when its number is listed and active.
 */
export const CatalogEntry = z.strictObject({
  kind: z.enum(['charity', 'family']),
  number: z.string().regex(/^[A-Za-z0-9-]{2,40}$/),
  name: z.string().min(1).max(200),
  active: z.boolean(),
});
export type CatalogEntry = z.infer<typeof CatalogEntry>;

/** Where the catalogs come from. A real registry is one class implementing this. */
export interface CatalogProvider {
  entries(): Promise<CatalogEntry[]>;
}

/** Where the imported catalogs are kept (storage/catalog-repository.ts). */
export interface CatalogRepository {
  /** Writes the entries (the import is idempotent: the same entries again change nothing but `importedAt`). */
  put(entries: readonly CatalogEntry[], importedAt: Date): Promise<void>;
  /** One entry, or undefined when the registry does not list it. */
  get(kind: CatalogEntry['kind'], number: string): Promise<CatalogEntry | undefined>;
}

/** The local provider: a fixture file (fixtures/catalog.json). */
export function fixtureCatalogProvider(file: string): CatalogProvider {
  return {
    async entries() {
      const parsed = z.object({ entries: z.array(CatalogEntry) }).parse(JSON.parse(fs.readFileSync(file, 'utf8')));
      return parsed.entries;
    },
  };
}

/** One import: every entry the provider lists (invalid ones refused by the schema) into the repository. */
export async function importCatalog(provider: CatalogProvider, repository: CatalogRepository, now: Date = new Date()): Promise<{ imported: number }> {
  const entries = await provider.entries();
  await repository.put(entries, now);
  return { imported: entries.length };
}
