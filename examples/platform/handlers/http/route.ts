import { ConflictError, httpHandler, NotFoundError, type ApiHandler } from '@cdk-rampart/lambda-kit';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { $ZodType as ZodType, output } from 'zod/v4/core';
import { Conflict, NotFound } from '../../domain/errors';
import { checkHealth } from '../../domain/health';
import type { PlatformServiceName } from '../../system';

export interface PlatformRoute<BS extends ZodType, PS extends ZodType, QS extends ZodType, R> {
  readonly body?: BS;
  readonly params?: PS;
  readonly query?: QS;
  /** Status of a successful answer. @default 200 */
  readonly status?: number;
  /** The Location header of a created resource. */
  readonly location?: (result: R) => string;
  handle(input: { readonly body: output<BS>; readonly params: output<PS>; readonly query: output<QS> }): Promise<R>;
}

/**
 * One operation in its three layers: the kit validates the body, path and query (zod, refusals
 * name the field), `handle` calls the pure domain, a domain refusal becomes its HTTP answer.
 */
export function platformApi<BS extends ZodType, PS extends ZodType, QS extends ZodType, R>(route: PlatformRoute<BS, PS, QS, R>): ApiHandler {
  const location = route.location;
  return httpHandler({
    body: route.body,
    params: route.params,
    query: route.query,
    successStatus: route.status,
    headersOf: location ? (result: R) => ({ Location: location(result) }) : undefined,
    httpErrorOf,
    handle: (input) => route.handle(input),
  });
}

/** The HTTP answer to a domain refusal; anything else as it is (the kit answers 500, or 503 for an unavailable dependency). */
export function httpErrorOf(error: unknown): unknown {
  if (error instanceof NotFound) return new NotFoundError(error.message);
  if (error instanceof Conflict) return new ConflictError(error.message);
  return error;
}

/** `GET /health/<service>`: 200 when the service's database answers, 503 with Retry-After otherwise. */
export function healthHandler(service: PlatformServiceName, ping: () => Promise<void>): () => Promise<APIGatewayProxyResult> {
  return async () => {
    const health = await checkHealth(service, ping);
    const ok = health.status === 'OK';
    return {
      statusCode: ok ? 200 : 503,
      headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...(ok ? {} : { 'Retry-After': '5' }) },
      body: JSON.stringify(health),
    };
  };
}
