import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { CatalogEntry, CatalogRepository } from '../domain/catalog';
import { REWARDS_TABLE_KEY } from '../domain/settings';

export interface CatalogTable {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

const keyOf = (kind: string, number: string) => `${kind}#${number.toLowerCase()}`;

/** The catalogs on one table, an item per entry (`charity#ch-1001`); an import overwrites each entry. */
export function dynamoDbCatalogRepository(table: CatalogTable): CatalogRepository {
  return {
    async put(entries, importedAt) {
      for (let i = 0; i < entries.length; i += 25) {
        let requests: any[] = entries.slice(i, i + 25).map((e) => ({
          PutRequest: { Item: { [REWARDS_TABLE_KEY]: keyOf(e.kind, e.number), ...e, importedAt: importedAt.toISOString() } },
        }));
        for (let attempt = 0; requests.length > 0; attempt++) {
          if (attempt > 8) throw new Error(`Catalog import: ${requests.length} entries still unprocessed`);
          const out = await table.client.send(new BatchWriteCommand({ RequestItems: { [table.tableName]: requests } }));
          requests = out.UnprocessedItems?.[table.tableName] ?? [];
          if (requests.length > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
        }
      }
    },
    async get(kind, number) {
      const key = { [REWARDS_TABLE_KEY]: keyOf(kind, number) };
      const out = await table.client.send(new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }));
      if (!out.Item) return undefined;
      return { kind: out.Item.kind, number: out.Item.number, name: out.Item.name, active: out.Item.active } as CatalogEntry;
    },
  };
}
