import { COUNTER_ENV, COUNTER_TABLE_KEY, DEFAULT_COUNTER_ID } from './domain/settings';
import { HttpMethod, RouteAuthorization } from '../../src/api';
import { IdempotencyTable } from '../../src/data';
import type { ExampleRoute } from '../shared/stack';

/**
 * The camera counter, declared once: its name, API stage, tables, routes and the environment its
 * functions get. The stack (counter-api-stack.ts), the site (counter-site-stack.ts), the local run
 * (local-options.ts) and the tests (through the local run) all read this, so what runs locally and
 * in the tests is what is deployed.
 */

/** A DynamoDB table of the system, as the stack and the local run create it. */
export interface CounterTableSpec {
  /** The environment variable the functions read its name from. */
  readonly envName: string;
  /** The partition key (a string attribute). */
  readonly partitionKey: string;
}

/** The Cognito group of the staff pool whose members may reset the counter. */
const STAFF_GROUP = 'staff';

/**
 * The routes by name (`COUNTER_SYSTEM.routes.sell`), for look-ups a typo cannot miss. Reading and
 * selling are public (a shop counter on a shop screen), selling rate-limited per client; reset
 * needs a staff sign-in (a Cognito token of the staff pool, MFA required, in the `staff` group).
 * The order is the API's: a route's function is named by its place (Route0, Route1, Route2).
 */
const ROUTES = {
  read: { method: HttpMethod.GET, path: '/counter', handlerName: 'get-counter', authorization: RouteAuthorization.NONE },
  sell: { method: HttpMethod.POST, path: '/decrement', handlerName: 'decrement', authorization: RouteAuthorization.NONE },
  reset: { method: HttpMethod.PUT, path: '/reset', handlerName: 'reset', authorization: RouteAuthorization.COGNITO, requiredGroups: [STAFF_GROUP] },
} satisfies Record<string, ExampleRoute>;

export const COUNTER_SYSTEM = {
  /** The example's name: its folder under examples/ and build/examples/. */
  example: 'counter',
  /** The API stage: the first segment of every API path, on API Gateway and locally. */
  stageName: 'v1',
  staffGroup: STAFF_GROUP,
  /**
   * Decrements one client (IP address) may make per minute before WAF blocks it (429): a shop
   * sells a few an hour; a script draining the count is stopped within the minute.
   */
  decrementsPerClientPerMinute: 60,
  tables: {
    /** One item per counted thing, written by single conditional updates. */
    counter: { envName: COUNTER_ENV.TABLE, partitionKey: COUNTER_TABLE_KEY } satisfies CounterTableSpec,
    /** Powertools idempotency records of retried sales (an IdempotencyTable), known to `sell` alone. */
    idempotency: { envName: COUNTER_ENV.IDEMPOTENCY_TABLE, partitionKey: IdempotencyTable.PARTITION_KEY } satisfies CounterTableSpec,
  },
  routes: ROUTES,
  /** The same routes as the list the API is built from. */
  routeList: Object.values(ROUTES) as ExampleRoute[],
  /** The routes whose requests run once per `Idempotency-Key`. */
  idempotentRoutes: [ROUTES.sell] as ExampleRoute[],
  /** The functions' environment besides table names: the start value and the counted item. */
  environment(startValue: number): Record<string, string> {
    return { [COUNTER_ENV.START]: String(startValue), [COUNTER_ENV.ID]: DEFAULT_COUNTER_ID };
  },
} as const;
