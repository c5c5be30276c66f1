/**
 * The images API as the front end calls it: base URL and `x-api-key` from the configuration, JSON
 * both ways, a deadline on every call. The key stays on the server; browsers never see it.
 */

import type { GalleryImage, Placement } from '../domain/model';
import type { ImageKind } from '../domain/settings';

// The API's own types: settings.ts imports nothing and model.ts is read for its types only, so the
// server bundle takes no zod.
export { IMAGE_KINDS } from '../domain/settings';
export type { GalleryImage, ImageKind, Placement };

/** A composition's state (`POST /compositions`, `GET /compositions/{key}`). */
export interface Composition {
  readonly key: string;
  readonly status: 'queued' | 'ready' | 'failed';
  readonly url?: string;
  readonly statusUrl?: string;
}

/** A field the API refused, as its 4xx answers name them in `details`. */
export interface ApiIssue {
  readonly path: string;
  readonly message: string;
}

/** What the API answered: its status, JSON body and `Retry-After`. */
export interface ApiAnswer<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly retryAfter?: string;
}

/** The API did not answer in time, or could not be reached at all. */
export class ApiUnreachableError extends Error {
  constructor(readonly reason: string) {
    super(`The images API could not be reached: ${reason}`);
    this.name = 'ApiUnreachableError';
  }
}

export interface ApiClientOptions {
  /** The API's base URL, stage included (e.g. `https://abc.execute-api.eu-west-1.amazonaws.com/v1`). */
  readonly apiUrl: string;
  readonly apiKey: string;
  /** Milliseconds before a call counts as unreachable. @default 8000 */
  readonly timeoutMs?: number;
}

export class ApiClient {
  private readonly base: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: ApiClientOptions) {
    this.base = options.apiUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 8_000;
  }

  /** One call; any HTTP answer is returned (4xx and 5xx included), no answer throws `ApiUnreachableError`. */
  public async call<T = unknown>(method: 'GET' | 'POST', route: string, body?: unknown, timeoutMs = this.timeoutMs): Promise<ApiAnswer<T>> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${route}`, {
        method,
        headers: { 'x-api-key': this.options.apiKey, 'accept': 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const name = (error as Error).name;
      throw new ApiUnreachableError(name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : String((error as Error).cause ?? (error as Error).message));
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { message: text.slice(0, 200) };
    }
    return { status: res.status, body: parsed as T, retryAfter: res.headers.get('retry-after') ?? undefined };
  }

  public async images(kind: ImageKind): Promise<ApiAnswer<{ images?: GalleryImage[] }>> {
    return this.call('GET', `/images?kind=${encodeURIComponent(kind)}`);
  }

  public async compose(catId: string, hatId: string, placement: Placement): Promise<ApiAnswer<Composition>> {
    return this.call('POST', '/compositions', { catId, hatId, placement });
  }

  public async composition(key: string): Promise<ApiAnswer<Composition>> {
    return this.call('GET', `/compositions/${encodeURIComponent(key)}`);
  }
}

/**
 * What a person is told about an answer that is not a success: the API's own message for the
 * request's faults (4xx), a plain sentence for the API's (5xx), and the field issues.
 */
export function problemOf(answer: ApiAnswer): { message: string; issues: ApiIssue[] } {
  const body = (answer.body ?? {}) as { message?: unknown; details?: unknown };
  const said = typeof body.message === 'string' && body.message.trim() ? body.message.trim() : undefined;
  const issues = Array.isArray(body.details)
    ? body.details.filter((d): d is ApiIssue => typeof d?.message === 'string').map((d) => ({ path: String(d.path ?? ''), message: d.message }))
    : [];
  if (answer.status === 401 || answer.status === 403) {
    return { message: 'The image service refused this gallery\'s key. The gallery is misconfigured; please tell its operators.', issues: [] };
  }
  if (answer.status === 429 || answer.status === 503) {
    return { message: `The image service is busy. Please try again in ${answer.retryAfter ?? 'a few'} seconds.`, issues: [] };
  }
  if (answer.status >= 500) return { message: 'The image service failed to answer. Please try again shortly.', issues: [] };
  return { message: said ?? `The image service refused the request (${answer.status}).`, issues };
}
