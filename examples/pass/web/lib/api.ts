import type { FieldIssue } from '../../../shared/web/dom';

/** One field's problem, as the API lists them in a 400 answer (`details`). */
export type { FieldIssue };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: FieldIssue[] = [],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** The pass API on the site's own origin, with the signed-in user's token. */
export class PassApi {
  constructor(private readonly baseUrl: string, private readonly token: () => string | undefined) {}

  async call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const token = this.token();
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(0, 'The service cannot be reached. Check your connection and try again.');
    }
    const text = await res.text();
    let parsed: any;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { message: text };
    }
    if (!res.ok) {
      const retry = Number(res.headers.get('retry-after') ?? '') || undefined;
      const issues = Array.isArray(parsed?.details) ? (parsed.details as FieldIssue[]).filter((d) => typeof d?.path === 'string') : [];
      let message = typeof parsed?.message === 'string' ? parsed.message : `HTTP ${res.status}`;
      if (res.status === 401) message = 'Your sign-in has expired. Sign in again.';
      if (res.status === 429 || res.status === 503) message = `The service is busy. Nothing was lost; please try again${retry ? ` in ${retry} seconds` : ''}.`;
      throw new ApiError(res.status, message, issues, retry);
    }
    return parsed as T;
  }
}

/** A random key for `Idempotency-Key`: a retried submit is stored once. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
