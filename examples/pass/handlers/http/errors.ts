import {
  BadRequestError, ConflictError, ForbiddenError, HttpError, NotFoundError, ServiceUnavailableError, UnprocessableError,
} from '@cdk-rampart/lambda-kit';
import { Refusal, type RefusalKind } from '../../domain/errors';

/** Seconds a client waits before sending a refused request again (429, 503). */
export const RETRY_AFTER_SECONDS = 5;

const BY_KIND: Record<RefusalKind, (message: string, problems: unknown) => HttpError> = {
  'invalid': (m, p) => new BadRequestError(m, p),
  'not-permitted': (m) => new ForbiddenError(m),
  'not-found': (m) => new NotFoundError(m),
  'conflict': (m) => new ConflictError(m),
  'rule': (m, p) => new UnprocessableError(m, p),
  'unavailable': (m) => new ServiceUnavailableError(m, RETRY_AFTER_SECONDS),
};

/**
 * The HTTP answer to a domain refusal: invalid 400, not permitted 403, not found 404, conflict 409,
 * a rule 422, unavailable 503; the message and the field problems (`details`) as the domain gave them.
 * Anything else is returned as it is (the handler kit answers SDK outages 503, the rest 500).
 */
export function httpErrorOf(error: unknown): unknown {
  return error instanceof Refusal ? BY_KIND[error.kind](error.message, error.problems) : error;
}
