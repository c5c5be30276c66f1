import { AsyncLocalStorage } from 'async_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tracer } from './observability';

/**
 * How long an AWS call may take, well under the functions' 10 s timeout, so a dependency that is
 * down costs a caller about 2.5 s and a 503 instead of a 504 after 10 s:
 *
 * - a connection must be made within `connectionTimeoutMs`, a reply must arrive within
 *   `requestTimeoutMs` of sending (both per attempt; DynamoDB answers in single-digit ms),
 * - the SDK tries at most `maxAttempts` times (throttling and timeouts are retried once),
 * - and every attempt made while an HTTP request is answered fits in that request's budget
 *   (`requestBudgetMs` from its start, see `withRequestBudget`): an attempt gets what is left of it.
 */
export const SDK_LIMITS = {
  connectionTimeoutMs: 500,
  requestTimeoutMs: 1_500,
  maxAttempts: 2,
  requestBudgetMs: 2_500,
} as const;

/** Environment variables that override `SDK_LIMITS` (the stacks set none: the defaults apply in Lambda). */
export const SDK_LIMITS_ENV = {
  connectionTimeoutMs: 'RAMPART_SDK_CONNECTION_TIMEOUT_MS',
  requestTimeoutMs: 'RAMPART_SDK_REQUEST_TIMEOUT_MS',
  maxAttempts: 'RAMPART_SDK_MAX_ATTEMPTS',
  requestBudgetMs: 'RAMPART_REQUEST_BUDGET_MS',
} as const;

/**
 * The limits in force: `SDK_LIMITS`, each overridable by its `SDK_LIMITS_ENV` variable. Tests that
 * run hundreds of concurrent invocations in one process (where each waits for the others, unlike
 * Lambda, where each runs alone) raise them; nothing deployed does.
 */
export function sdkLimits(): { -readonly [K in keyof typeof SDK_LIMITS]: number } {
  const read = (k: keyof typeof SDK_LIMITS) => {
    const raw = process.env[SDK_LIMITS_ENV[k]];
    const n = raw === undefined || raw === '' ? NaN : Number(raw);
    return Number.isFinite(n) && n > 0 ? n : SDK_LIMITS[k];
  };
  return { connectionTimeoutMs: read('connectionTimeoutMs'), requestTimeoutMs: read('requestTimeoutMs'), maxAttempts: read('maxAttempts'), requestBudgetMs: read('requestBudgetMs') };
}

/** The SDK's own name for a timed-out request, so callers classify it as one. */
export class RequestBudgetSpentError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor() {
    super('The request budget is spent; no further AWS call is made');
    this.name = 'TimeoutError';
  }
}

const deadlines = new AsyncLocalStorage<number>();

/** Runs `fn` with a deadline `budgetMs` from now for every AWS call it makes (through `sdkClientConfig` clients). */
export function withRequestBudget<T>(budgetMs: number, fn: () => Promise<T>): Promise<T> {
  const outer = deadlines.getStore();
  const deadline = Date.now() + budgetMs;
  return deadlines.run(outer === undefined ? deadline : Math.min(outer, deadline), fn);
}

/** The part of the SDK's HTTP handler (NodeHttpHandler) the budget wraps. */
interface RequestHandlerLike {
  handle(request: unknown, options?: { abortSignal?: unknown; requestTimeout?: number }): Promise<unknown>;
  updateHttpClientConfig?(key: string, value: unknown): void;
}

/**
 * The configuration every AWS SDK client of the handlers is created with: a connection and a
 * request timeout (NodeHttpHandler alone only warns when its request timeout passes, unless
 * `throwOnRequestTimeout`) and bounded attempts (`sdkLimits()`). Given as options, so the client
 * builds its own NodeHttpHandler from the SDK the runtime ships (nothing more is bundled). Pass
 * `endpoint` for a local engine. Wrap the client with `bounded` to hold its calls to the request's budget.
 */
export function sdkClientConfig(endpoint?: string): {
  requestHandler: { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: boolean };
  maxAttempts: number;
  endpoint?: string;
} {
  const limits = sdkLimits();
  return {
    requestHandler: { connectionTimeout: limits.connectionTimeoutMs, requestTimeout: limits.requestTimeoutMs, throwOnRequestTimeout: true },
    maxAttempts: limits.maxAttempts,
    ...(endpoint ? { endpoint } : {}),
  };
}

/**
 * Holds every attempt of `client` to the current request's budget (`withRequestBudget`): an
 * attempt's request timeout shrinks to what is left, and none starts once it is spent. Answers the
 * client itself.
 */
export function bounded<C extends { config: { requestHandler: unknown } }>(client: C): C {
  const handler = client.config.requestHandler as RequestHandlerLike;
  const handle = handler.handle.bind(handler);
  let connectionTimeout = sdkLimits().connectionTimeoutMs;
  handler.handle = (request, options = {}) => {
    const limits = sdkLimits();
    if (limits.connectionTimeoutMs !== connectionTimeout && handler.updateHttpClientConfig) {
      connectionTimeout = limits.connectionTimeoutMs;
      handler.updateHttpClientConfig('connectionTimeout', connectionTimeout);
    }
    const deadline = deadlines.getStore();
    if (deadline === undefined) return handle(request, { ...options, requestTimeout: limits.requestTimeoutMs });
    const left = deadline - Date.now();
    if (left <= 0) return Promise.reject(new RequestBudgetSpentError());
    return handle(request, { ...options, requestTimeout: Math.min(left, limits.requestTimeoutMs) });
  };
  return client;
}

let documentClient: DynamoDBDocumentClient | undefined;

/**
 * One traced DynamoDB document client per container, with `sdkClientConfig`'s limits, `bounded`.
 * `DYNAMODB_ENDPOINT` points it at a local engine (tests, local runs); in Lambda it is unset.
 */
export function dynamoDb(): DynamoDBDocumentClient {
  if (!documentClient) {
    const client = tracer.captureAWSv3Client(bounded(new DynamoDBClient(sdkClientConfig(process.env.DYNAMODB_ENDPOINT))));
    documentClient = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }
  return documentClient;
}

const UNAVAILABLE_NAMES = new Set([
  // Throttling (the SDK's own list, @smithy/service-error-classification).
  'ThrottlingException', 'Throttling', 'ThrottledException', 'RequestThrottledException', 'TooManyRequestsException',
  'ProvisionedThroughputExceededException', 'TransactionInProgressException', 'RequestLimitExceeded',
  'BandwidthLimitExceeded', 'LimitExceededException', 'RequestThrottled', 'SlowDown', 'PriorRequestNotComplete',
  'EC2ThrottledException',
  // Unavailable or too slow.
  'TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'ServiceUnavailable', 'ServiceUnavailableException',
  'InternalServerError', 'InternalFailure', 'InternalServerException', 'TransactionConflictException',
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Whether an error means "a dependency is throttling, down or too slow right now": the caller should
 * come back later (503 with Retry-After), not that the request or the code is wrong. The SDK's own
 * classification (@smithy/service-error-classification) is not a dependency of the handlers, so
 * its lists are repeated here together with Node's network error codes.
 */
export function isUnavailable(error: unknown): boolean {
  for (let e: any = error, depth = 0; e && depth < 4; e = e.cause, depth++) {
    if (UNAVAILABLE_NAMES.has(e.name) || UNAVAILABLE_NAMES.has(e.code) || NETWORK_CODES.has(e.code)) return true;
    const status = e.$metadata?.httpStatusCode;
    if (typeof status === 'number' && (status === 429 || status >= 500)) return true;
    if (e.name === 'AbortError' || /socket hang up|ECONNRESET|ECONNREFUSED/.test(String(e.message ?? ''))) return true;
  }
  return false;
}
