import { claimsOf, cognitoGroups, httpHandler, UnauthorizedError, type ApiHandler, type RouteDefinition } from '@cdk-rampart/lambda-kit';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { $ZodType as ZodType } from 'zod/v4/core';
import { httpErrorOf, RETRY_AFTER_SECONDS } from './errors';
import type { Caller } from '../../domain/caller';
import { MAX_BODY_BYTES } from '../../domain/model';

/** The caller, from the Cognito authorizer's claims only (never from the body); 401 without a subject. */
export function callerOf(event: APIGatewayProxyEvent): Caller {
  const claims = claimsOf(event);
  const sub = typeof claims?.sub === 'string' ? claims.sub : '';
  if (!sub) throw new UnauthorizedError('Sign in first');
  const name = [claims?.name, claims?.email, claims?.['cognito:username']].find((v) => typeof v === 'string' && v !== '') as string | undefined;
  return { sub, name: name ?? sub, groups: cognitoGroups(claims) };
}

/** A request header by name, whatever its case. */
export function headerOf(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === wanted)?.[1] ?? undefined;
}

export interface PassRouteOptions {
  /** `Cache-Control` of a 200 answer. @default 'no-store' */
  readonly cacheControl?: string;
}

/**
 * Wraps a handler kit route for the pass API: refuses bodies over `MAX_BODY_BYTES` with 413 before
 * parsing, marks answers uncacheable unless `cacheControl` says otherwise, and adds `Retry-After`
 * to 429 and 503 answers, so a client (or the web app) knows when to come back: nothing was stored.
 */
export function passRoute(inner: ApiHandler, options: PassRouteOptions = {}): ApiHandler {
  return async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    const requestId = event.requestContext?.requestId ?? context.awsRequestId;
    const size = event.body ? (event.isBase64Encoded ? Math.floor(event.body.length * 0.75) : Buffer.byteLength(event.body)) : 0;
    const result: APIGatewayProxyResult = size > MAX_BODY_BYTES
      ? { statusCode: 413, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ error: 'PayloadTooLarge', message: `The body is larger than ${MAX_BODY_BYTES} bytes`, requestId }) }
      : await inner(event, context);
    const headers: Record<string, string | number | boolean> = { ...result.headers };
    headers['Cache-Control'] = result.statusCode === 200 && options.cacheControl ? options.cacheControl : 'no-store';
    if (result.statusCode === 503 || result.statusCode === 429) headers['Retry-After'] = String(RETRY_AFTER_SECONDS);
    return { ...result, headers };
  };
}

/**
 * One pass API route in its three layers: the handler kit parses and validates the request (the
 * route's zod schemas), `handle` calls the domain, and a domain refusal is mapped to its HTTP answer
 * (`httpErrorOf`), inside `passRoute`'s body limit and headers.
 */
export function passApi<BS extends ZodType, PS extends ZodType, R>(route: RouteDefinition<BS, PS, R>, options: PassRouteOptions = {}): ApiHandler {
  return passRoute(httpHandler({
    ...route,
    httpErrorOf,
  }), options);
}
