import { claimsOf, cognitoGroups, ForbiddenError, HttpError, httpHandler, NotFoundError, ServiceUnavailableError, UnauthorizedError, UnprocessableError, type ApiHandler } from '@cdk-rampart/lambda-kit';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { $ZodType as ZodType, output } from 'zod/v4/core';
import { Refusal } from '../../domain/errors';
import { USER_KINDS, type UserKind } from '../../domain/settings';
import type { Caller } from '../../domain/transactions';

/** The HTTP answer to a domain refusal; anything else as it is (the kit answers 500, or 503 for an unavailable dependency). */
export function httpErrorOf(error: unknown): unknown {
  if (!(error instanceof Refusal)) return error;
  const details = { code: error.code, ...(error.details as object | undefined) };
  switch (error.kind) {
    case 'conflict': return new HttpError(409, error.code, error.message, details);
    case 'rule': return new UnprocessableError(error.message, details);
    case 'not-found': return new NotFoundError(error.message);
    case 'forbidden': return new ForbiddenError(error.message);
    case 'busy': return new ServiceUnavailableError(error.message);
  }
}

/** The signed-in caller: its Cognito sub and the kinds of user (groups) it belongs to. */
export function callerOf(event: APIGatewayProxyEvent): Caller & { readonly groups: readonly string[] } {
  const claims = claimsOf(event);
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub === '') throw new UnauthorizedError();
  const groups = cognitoGroups(claims);
  return { userId: sub, groups, kinds: USER_KINDS.filter((k) => groups.includes(k)) as UserKind[] };
}

export interface RewardsRouteInput<B> {
  readonly body: B;
  readonly params: Record<string, string>;
  readonly caller: ReturnType<typeof callerOf>;
  readonly event: APIGatewayProxyEvent;
}

export interface RewardsRoute<BS extends ZodType, R> {
  /** The route's body schema; omit for routes without a body (a body is then refused). */
  readonly body?: BS;
  /** Status of a successful answer. @default 200 */
  readonly successStatus?: number;
  handle(input: RewardsRouteInput<output<BS>>): Promise<R>;
}

/**
 * One rewards route in its three layers: the kit parses and validates the body (zod; junk JSON,
 * unknown fields and required groups refused before any write), `handle` calls the domain with the
 * signed-in caller, and a domain refusal is mapped to its HTTP answer.
 */
export function rewardsApi<BS extends ZodType, R>(route: RewardsRoute<BS, R>): ApiHandler {
  return httpHandler({
    body: route.body,
    successStatus: route.successStatus,
    httpErrorOf,
    handle: async ({ body, event }) => {
      const params = (event.pathParameters ?? {}) as Record<string, string>;
      return route.handle({ body: body as output<BS>, params, caller: callerOf(event), event });
    },
  });
}


export interface RewardsPublicRoute<BS extends ZodType, R> {
  readonly body: BS;
  /** Status of a successful answer. @default 200 */
  readonly successStatus?: number;
  handle(input: { readonly body: output<BS> }): Promise<R>;
}

/** A route anyone may call (sign-up): the same layers, without a caller. */
export function rewardsPublicApi<BS extends ZodType, R>(route: RewardsPublicRoute<BS, R>): ApiHandler {
  return httpHandler({
    body: route.body,
    successStatus: route.successStatus,
    httpErrorOf,
    handle: ({ body }) => route.handle({ body: body as output<BS> }),
  });
}
