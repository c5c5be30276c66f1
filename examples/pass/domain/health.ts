import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { withRequestBudget } from '@cdk-rampart/lambda-kit';
import { Unavailable } from './errors';
import { keys } from './keys';
import type { PassStore } from '../storage/table';

/**
 * How long `GET /health` waits for the table: Route 53 counts a check as failed unless the answer
 * arrives within 2 seconds of connecting, so a table that does not answer in 1.5 s is a 503 the
 * checker reads, not a timeout it guesses at.
 */
export const HEALTH_BUDGET_MS = 1_500;

/** What a healthy region answers. */
export interface Health {
  readonly status: 'ok';
  /** The region that answered (absent in the single-region service run locally). */
  readonly region?: string;
}

/**
 * The dependency path of a region, for its health checks: one eventually consistent `GetItem` of a
 * key nobody writes (`keys.health()`), through the same client, credentials, network path and
 * replica every route uses. Any failure (unreachable, throttled, denied, no table) makes the region
 * unhealthy: `Unavailable`, which the API answers 503 with Retry-After.
 */
export async function checkHealth(store: PassStore): Promise<Health> {
  try {
    await withRequestBudget(HEALTH_BUDGET_MS, () => store.client.send(new GetCommand({ TableName: store.tableName, Key: keys.health() })));
  } catch (error) {
    throw new Unavailable(`The pass table does not answer (${(error as Error)?.name ?? 'error'}); this region is unhealthy`);
  }
  const region = store.placement?.here ?? process.env.AWS_REGION;
  return region ? { status: 'ok', region } : { status: 'ok' };
}
