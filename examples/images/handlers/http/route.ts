import { HttpError, httpHandler, NotFoundError, ServiceUnavailableError, UnprocessableError, type ApiHandler } from '@cdk-rampart/lambda-kit';
import type { $ZodType as ZodType, output } from 'zod/v4/core';
import { Refusal } from '../../domain/errors';

/** The HTTP answer to a domain refusal; anything else as it is (the kit answers 500, or 503 for an unavailable dependency). */
export function httpErrorOf(error: unknown): unknown {
  if (!(error instanceof Refusal)) return error;
  const details = { code: error.code, ...(error.details as object | undefined) };
  switch (error.kind) {
    case 'rule': return new UnprocessableError(error.message, details);
    case 'not-found': return new NotFoundError(error.message);
    case 'conflict': return new HttpError(409, error.code, error.message, details);
    case 'busy': return new ServiceUnavailableError(error.message);
  }
}

export interface ImagesRoute<BS extends ZodType, PS extends ZodType, QS extends ZodType, R> {
  /** The body's schema; omit for routes without a body. */
  readonly body?: BS;
  /** The path parameters' schema. */
  readonly params?: PS;
  /** The query string's schema (one value per name). */
  readonly query?: QS;
  /** Status of a successful answer, from the answer. @default 200 */
  readonly statusOf?: (result: R) => number;
  handle(input: { readonly body: output<BS>; readonly params: output<PS>; readonly query: output<QS> }): Promise<R>;
}

/**
 * One images route in its three layers: the kit parses and validates the body, the path and the
 * query string (zod; junk refused before anything is read or written), `handle` calls the domain,
 * and a domain refusal is mapped to its HTTP answer.
 */
export function imagesApi<BS extends ZodType, PS extends ZodType, QS extends ZodType, R>(route: ImagesRoute<BS, PS, QS, R>): ApiHandler {
  return httpHandler({
    body: route.body,
    params: route.params,
    query: route.query,
    successStatus: route.statusOf,
    httpErrorOf,
    handle: (input) => route.handle(input),
  });
}
