import { Duration } from 'aws-cdk-lib';
import { GROUPS } from './domain/settings';
import { HttpMethod, RouteAuthorization } from '../../src/api';
import type { ExampleRoute } from '../shared/stack';

/** The example's name: its folder under examples/ and build/examples/. */
export const EXAMPLE = 'pass';

/** The API stage: the first segment of every API path, on API Gateway and locally. */
export const STAGE_NAME = 'v1';

/**
 * Per-route throttles (requests per second, burst), sized in docs/capacity.md: together 9,000
 * requests per second, inside the default account quota of 10,000 (API Gateway), so one route's
 * flood cannot starve the others. The stage default applies to anything not listed.
 */
export const THROTTLES = {
  stage: { rateLimit: 1000, burstLimit: 1000 },
  apply: { rateLimit: 2500, burstLimit: 2500 },
  register: { rateLimit: 1400, burstLimit: 1400 },
  consent: { rateLimit: 100, burstLimit: 100 },
  registrationRead: { rateLimit: 500, burstLimit: 500 },
  listOwn: { rateLimit: 1000, burstLimit: 1000 },
  readOwn: { rateLimit: 1500, burstLimit: 1500 },
  verify: { rateLimit: 1500, burstLimit: 1500 },
  keys: { rateLimit: 50, burstLimit: 50 },
  health: { rateLimit: 50, burstLimit: 50 },
  staff: { rateLimit: 100, burstLimit: 100 },
} as const;

const COGNITO = RouteAuthorization.COGNITO;

/**
 * The route table by name: read by the stack (`TracedApi`) and by the local runner alike, and
 * looked up by name (`ROUTES.apply`) wherever one route is meant. Every route but `GET /keys` and
 * `GET /health` needs a Cognito sign-in; staff routes need a group, checked by the handler kit.
 */
export const ROUTES = {
  register: { method: HttpMethod.POST, path: '/registrations', handlerName: 'create-registration', authorization: COGNITO, throttle: THROTTLES.register },
  readRegistration: { method: HttpMethod.GET, path: '/registrations/me', handlerName: 'get-registration', authorization: COGNITO, throttle: THROTTLES.registrationRead },
  apply: { method: HttpMethod.POST, path: '/passes', handlerName: 'create-pass', authorization: COGNITO, throttle: THROTTLES.apply },
  listOwn: { method: HttpMethod.GET, path: '/passes', handlerName: 'list-passes', authorization: COGNITO, throttle: THROTTLES.listOwn },
  readOwn: { method: HttpMethod.GET, path: '/passes/{passId}', handlerName: 'get-pass', authorization: COGNITO, throttle: THROTTLES.readOwn },
  decide: {
    method: HttpMethod.POST,
    path: '/passes/{passId}/decision',
    handlerName: 'decide-pass',
    authorization: COGNITO,
    requiredGroups: [GROUPS.REVIEWER],
    throttle: THROTTLES.staff,
  },
  revoke: {
    method: HttpMethod.POST,
    path: '/passes/{passId}/revoke',
    handlerName: 'revoke-pass',
    authorization: COGNITO,
    requiredGroups: [GROUPS.REVIEWER, GROUPS.ADMIN],
    throttle: THROTTLES.staff,
  },
  reviewQueue: { method: HttpMethod.GET, path: '/review-queue', handlerName: 'review-queue', authorization: COGNITO, requiredGroups: [GROUPS.REVIEWER], throttle: THROTTLES.staff },
  verify: { method: HttpMethod.POST, path: '/verify', handlerName: 'verify', authorization: COGNITO, requiredGroups: [GROUPS.POLICE], throttle: THROTTLES.verify },
  stats: { method: HttpMethod.GET, path: '/stats', handlerName: 'stats', authorization: COGNITO, requiredGroups: [GROUPS.ADMIN], throttle: THROTTLES.staff },
  keys: {
    method: HttpMethod.GET,
    path: '/keys',
    handlerName: 'keys',
    authorization: RouteAuthorization.NONE,
    throttle: THROTTLES.keys,
    functionOptions: { memorySize: 256, timeout: Duration.seconds(5) },
  },
  // Appended, not sorted in: a route's function is named by its place in this table.
  consent: { method: HttpMethod.POST, path: '/consents', handlerName: 'give-consent', authorization: COGNITO, throttle: THROTTLES.consent },
  // Public: Route 53's health checkers sign nothing. One read of a fixed key (domain/health.ts).
  health: {
    method: HttpMethod.GET,
    path: '/health',
    handlerName: 'health',
    authorization: RouteAuthorization.NONE,
    throttle: THROTTLES.health,
    functionOptions: { memorySize: 256, timeout: Duration.seconds(5) },
  },
} satisfies Record<string, ExampleRoute>;

/** The route table as a list, in the order above (the order the API's functions are named by). */
export const PASS_ROUTES: ExampleRoute[] = Object.values(ROUTES);

/**
 * Handlers that are not API routes: the rules worker (SQS), the stream consumer (DynamoDB stream),
 * the user pool's pre-token-generation trigger (staff groups only with MFA) and the approval outbox
 * (the table's stream and a schedule).
 */
export const WORKER_HANDLERS = { rulesWorker: 'rules-worker', streamConsumer: 'stream-consumer', staffToken: 'staff-token', approvalOutbox: 'approval-outbox' } as const;
