import { HttpMethod, RouteAuthorization } from '../../src/api';
import type { ExampleRoute } from '../shared/stack';

/** The example's name: its folder under examples/ and build/examples/. */
export const EXAMPLE = 'counter';

/** The API stage: the first segment of every API path, on API Gateway and locally. */
export const STAGE_NAME = 'v1';

/** The Cognito group of the staff pool whose members may reset the counter. */
export const STAFF_GROUP = 'staff';

/**
 * Decrements one client (IP address) may make per minute before WAF blocks it (429): a shop sells a
 * few an hour; a script draining the count is stopped within the minute.
 */
export const DECREMENTS_PER_CLIENT_PER_MINUTE = 60;

/**
 * The route table: read by the stack (`TracedApi`) and by the local runner alike. Reading and
 * selling are public (a shop counter on a shop screen), selling rate-limited per client; reset needs
 * a staff sign-in (a Cognito token of the staff pool, MFA required, in the `staff` group).
 */
export const COUNTER_ROUTES: ExampleRoute[] = [
  { method: HttpMethod.GET, path: '/counter', handlerName: 'get-counter', authorization: RouteAuthorization.NONE },
  { method: HttpMethod.POST, path: '/decrement', handlerName: 'decrement', authorization: RouteAuthorization.NONE },
  { method: HttpMethod.PUT, path: '/reset', handlerName: 'reset', authorization: RouteAuthorization.COGNITO, requiredGroups: [STAFF_GROUP] },
];
