// zod/mini: the counter validates one thing (no body), so it carries the small build of zod.
import { HttpError } from '@cdk-rampart/lambda-kit';
import * as z from 'zod/mini';

/**
 * The first layer: what a counter request may be. The routes take no body (anything in it is a
 * caller mistake, refused with 400 before any write; junk JSON is refused by the handler kit) and
 * answer one method each.
 */
export const NoBody = z.undefined({ error: 'This route takes no body' });

/** A method the route does not answer. API Gateway routes by method, so this only guards miswiring. */
export class MethodNotAllowedError extends HttpError {
  constructor(method: string, allowed: string) { super(405, 'MethodNotAllowed', `${method} is not allowed here; use ${allowed}`); }
}

/** Refuses a request whose method is not the route's (405). */
export function checkMethod(method: string, allowed: string): void {
  if (method !== allowed) throw new MethodNotAllowedError(method, allowed);
}
