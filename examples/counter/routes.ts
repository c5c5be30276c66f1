import { HttpMethod, RouteAuthorization } from '../../src/api';
import type { ExampleRoute } from '../shared/local';

/** The example's name: its folder under examples/ and build/examples/. */
export const EXAMPLE = 'counter';

/** The API stage: the first segment of every API path, on API Gateway and locally. */
export const STAGE_NAME = 'v1';

/** The API key name of the usage plan; staff type its value into the web card to reset. */
export const STAFF_KEY_NAME = 'counter-staff';

/**
 * The route table: read by the stack (`TracedApi`) and by the local runner alike. Reading and
 * selling are public (a shop counter on a shop screen); reset needs the staff API key.
 */
export const COUNTER_ROUTES: ExampleRoute[] = [
  { method: HttpMethod.GET, path: '/counter', handlerName: 'get-counter', authorization: RouteAuthorization.NONE },
  { method: HttpMethod.POST, path: '/decrement', handlerName: 'decrement', authorization: RouteAuthorization.NONE },
  { method: HttpMethod.PUT, path: '/reset', handlerName: 'reset', authorization: RouteAuthorization.NONE, apiKeyRequired: true },
];
