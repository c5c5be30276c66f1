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
