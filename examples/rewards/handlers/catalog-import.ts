import { logger } from '@cdk-rampart/lambda-kit';
import { importCatalog } from '../domain/catalog';
import { catalogProvider, catalogRepository } from '../storage/clients';

/**
 * The scheduled catalog import (EventBridge): every entry the registry lists into the catalog
 * table. Without a configured registry it imports nothing and says so in the log.
 */
export async function handler(): Promise<{ imported: number }> {
  const provider = catalogProvider();
  if (!provider) {
    logger.warn('No catalog registry is configured (REWARDS_CATALOG_URL): nothing imported');
    return { imported: 0 };
  }
  const result = await importCatalog(provider, catalogRepository());
  logger.info('Catalog imported', result);
  return result;
}
