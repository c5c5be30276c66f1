import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { safeParse, type $ZodType as ZodType, type output } from 'zod/v4/core';
import { isUnavailable, sdkLimits, withRequestBudget } from './aws';
import { ForbiddenError, HttpError, BadRequestError, RETRY_AFTER_SECONDS, ServiceUnavailableError } from './errors';
import { cognitoGroups } from './groups';
import { logger, metrics } from './observability';

/** What a route's domain code receives: the validated body, path parameters and query string, and the raw event. */
export interface RouteInput<B, P, Q = undefined> {
  readonly body: B;
  readonly params: P;
  /** The validated query string (one value per name); undefined when the route has no `query` schema. */
  readonly query: Q;
  readonly event: APIGatewayProxyEvent;
  readonly requestId: string;
}

export interface RouteDefinition<BS extends ZodType, PS extends ZodType, R, QS extends ZodType = ZodType> {
  /** zod schema of the JSON body; omit for routes without a body. */
  readonly body?: BS;
  /** zod schema of the path parameters. */
  readonly params?: PS;
  /** zod schema of the query string (one value per name); omit for routes that read none. */
  readonly query?: QS;
  /** Status of a successful answer, or how to choose it from the answer (e.g. 200 or 202). Default 200. */
  readonly successStatus?: number | ((result: R) => number);
  /** Headers of a successful answer, from the answer (e.g. the `Location` of a created resource). Default none. */
  readonly headersOf?: (result: R) => Record<string, string>;
  /**
   * How an error thrown by `handle` becomes its HTTP answer: return an `HttpError` for the domain's
   * refusals, anything else unchanged (answered 503 for an unavailable dependency, else 500). Default: unchanged.
   */
  readonly httpErrorOf?: (error: unknown) => unknown;
  /**
   * Idempotency for POSTs carrying an `Idempotency-Key` header: they run once per key and caller;
   * a repeat gets the first answer back. Use `dynamoDbIdempotency(tableName)` from `./idempotency`.
   */
  readonly idempotency?: Idempotency;
  handle(input: RouteInput<output<BS>, output<PS>, output<QS>>): Promise<R>;
}

/** One idempotent call: `key` identifies it (route, caller, Idempotency-Key), `body` must match on a repeat. */
export interface IdempotentCall {
  readonly key: string;
  readonly body: string | null;
  readonly event: APIGatewayProxyEvent;
  readonly requestId: string;
}

/** How a route runs once per Idempotency-Key (see `dynamoDbIdempotency`). */
export interface Idempotency {
  wrap(run: (call: IdempotentCall) => Promise<APIGatewayProxyResult>): (call: IdempotentCall, context: Context) => Promise<APIGatewayProxyResult>;
  /** The answer for an error of the idempotency layer itself (key reused with another body, still in progress). */
  toHttpError(error: unknown): HttpError | undefined;
}

export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const JSON_HEADERS = { 'Content-Type': 'application/json' };

function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const found = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === wanted);
  return found?.[1] ?? undefined;
}

function parseWith<S extends ZodType>(schema: S, value: unknown, what: string): output<S> {
  // zod's core parser accepts classic (`zod`) and tree-shakable (`zod/mini`) schemas alike.
  const result = safeParse(schema, value);
  if (!result.success) {
    throw new BadRequestError(`Invalid ${what}`, result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  return result.data;
}

function parseBody(event: APIGatewayProxyEvent): unknown {
  if (event.body === null || event.body === undefined || event.body === '') return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError('The body is not valid JSON');
  }
}

/**
 * The caller's token claims: the Cognito authorizer hands them in `authorizer.claims`; a Lambda
 * authorizer (TracedApi's group authorizer) hands them flat in `authorizer` itself.
 */
export function claimsOf(event: APIGatewayProxyEvent): Record<string, unknown> | undefined {
  const authorizer = event.requestContext?.authorizer as Record<string, unknown> | null | undefined;
  if (!authorizer) return undefined;
  if (authorizer.claims && typeof authorizer.claims === 'object') return authorizer.claims as Record<string, unknown>;
  return typeof authorizer.sub === 'string' ? authorizer : undefined;
}

/** Cognito groups the route requires (TracedApi's `requiredGroups`), checked against the caller's token. */
function checkGroups(event: APIGatewayProxyEvent): void {
  const required = (process.env.RAMPART_REQUIRED_GROUPS ?? '').split(',').map((g) => g.trim()).filter(Boolean);
  if (required.length === 0) return;
  const groups = cognitoGroups(claimsOf(event));
  if (!required.some((g) => groups.includes(g))) throw new ForbiddenError(`Requires membership of one of: ${required.join(', ')}`);
}

/** Who is calling, so one caller's Idempotency-Key never replays another caller's answer. */
function callerOf(event: APIGatewayProxyEvent): string {
  const claims = claimsOf(event);
  return String(claims?.sub ?? event.requestContext?.identity?.userArn ?? event.requestContext?.identity?.sourceIp ?? 'anonymous');
}

function errorResponse(error: unknown, requestId: string): APIGatewayProxyResult {
  if (!(error instanceof HttpError) && isUnavailable(error)) {
    logger.warn('A dependency is unavailable', error as Error);
    metrics.addMetric('DependencyUnavailable', MetricUnit.Count, 1);
    error = new ServiceUnavailableError();
  }
  if (error instanceof HttpError) {
    logger.info('Request refused', { statusCode: error.statusCode, code: error.code, reason: error.message });
    const retryAfter: Record<string, string> = error.statusCode === 503 || error.statusCode === 429
      ? { 'Retry-After': String((error as Partial<ServiceUnavailableError>).retryAfterSeconds ?? RETRY_AFTER_SECONDS) }
      : {};
    return json(error.statusCode, { error: error.code, message: error.message, details: error.details, requestId }, retryAfter);
  }
  logger.error('Unhandled error', error as Error);
  metrics.addMetric('UnhandledError', MetricUnit.Count, 1);
  return json(500, { error: 'InternalError', message: 'Internal error', requestId });
}

/**
 * An API Gateway (REST, Lambda proxy) handler: validates path parameters and body with zod,
 * enforces required Cognito groups, runs `handle` (once per Idempotency-Key for POSTs when the
 * route has `idempotency`), and maps typed errors to JSON 4xx answers and anything else to a
 * 500 without details. Every answer carries the request id.
 */
export function httpHandler<BS extends ZodType, PS extends ZodType, R, QS extends ZodType = ZodType>(
  route: RouteDefinition<BS, PS, R, QS>,
): ApiHandler {
  const successStatus = route.successStatus ?? 200;
  const statusOf = typeof successStatus === 'number' ? () => successStatus : successStatus;

  const run = async (event: APIGatewayProxyEvent, requestId: string): Promise<APIGatewayProxyResult> => {
    const params = route.params ? parseWith(route.params, event.pathParameters ?? {}, 'path parameters') : undefined;
    const query = route.query ? parseWith(route.query, event.queryStringParameters ?? {}, 'query string') : undefined;
    const rawBody = parseBody(event);
    const body = route.body ? parseWith(route.body, rawBody, 'body') : undefined;
    let result: R;
    try {
      result = await route.handle({ body: body as output<BS>, params: params as output<PS>, query: query as output<QS>, event, requestId });
    } catch (error) {
      throw route.httpErrorOf ? route.httpErrorOf(error) : error;
    }
    return json(statusOf(result), result ?? {}, route.headersOf?.(result));
  };

  const idempotentRun = route.idempotency?.wrap((call) => run(call.event, call.requestId));

  return async (event, context) => {
    const requestId = event.requestContext?.requestId ?? context.awsRequestId;
    logger.addContext(context);
    logger.appendKeys({ requestId, route: `${event.httpMethod} ${event.resource}` });
    // Every AWS call of this request fits in one budget, well under the function's timeout.
    const budgetMs = Math.min(sdkLimits().requestBudgetMs, Math.max(0, (context.getRemainingTimeInMillis?.() ?? Infinity) - 1_000));
    try {
      return await withRequestBudget(budgetMs, () => answer(event, context, requestId));
    } finally {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };

  async function answer(event: APIGatewayProxyEvent, context: Context, requestId: string): Promise<APIGatewayProxyResult> {
    try {
      checkGroups(event);
      const key = header(event, 'Idempotency-Key');
      if (idempotentRun && event.httpMethod === 'POST' && key) {
        if (key.length < 8 || key.length > 128) throw new BadRequestError('Idempotency-Key must be 8 to 128 characters');
        return await idempotentRun({ key: `${event.resource}#${callerOf(event)}#${key}`, body: event.body, event, requestId }, context);
      }
      return await run(event, requestId);
    } catch (error) {
      const idempotencyError = route.idempotency?.toHttpError(error);
      if (idempotencyError) return errorResponse(idempotencyError, requestId);
      // Powertools wraps errors from the idempotent function; answer with the original.
      const cause = (error as { cause?: unknown })?.cause;
      return errorResponse(error instanceof HttpError || !(cause instanceof HttpError) ? error : cause, requestId);
    }
  }
}
