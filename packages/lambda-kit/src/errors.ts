/** An error the caller caused: mapped to its status and a JSON body with the request id. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends HttpError {
  constructor(message: string, details?: unknown) { super(400, 'BadRequest', message, details); }
}
export class UnauthorizedError extends HttpError {
  constructor(message = 'Authentication required') { super(401, 'Unauthorized', message); }
}
export class ForbiddenError extends HttpError {
  constructor(message = 'Not allowed') { super(403, 'Forbidden', message); }
}
export class NotFoundError extends HttpError {
  constructor(message = 'Not found') { super(404, 'NotFound', message); }
}
export class ConflictError extends HttpError {
  constructor(message: string) { super(409, 'Conflict', message); }
}
export class UnprocessableError extends HttpError {
  constructor(message: string, details?: unknown) { super(422, 'Unprocessable', message, details); }
}

/**
 * A dependency is throttling, down or too slow: come back after `retryAfterSeconds` (503 with
 * `Retry-After`). The handler kit answers every such SDK error with it (see `isUnavailable`).
 */
export class ServiceUnavailableError extends HttpError {
  constructor(message = 'The service is busy or a dependency is unavailable; please try again shortly', readonly retryAfterSeconds = RETRY_AFTER_SECONDS) {
    super(503, 'ServiceUnavailable', message);
  }
}

/** Seconds a client waits before retrying a 503 (or 429). */
export const RETRY_AFTER_SECONDS = 2;
