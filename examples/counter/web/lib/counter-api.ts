/** The runtime configuration deployed next to the page (`config.json`). */
export interface CardConfig {
  /** Base of the API, e.g. `/v1` (same origin) or an absolute URL. */
  readonly apiBaseUrl: string;
  /** The counter's start (and reset) value, for the confirmation text. */
  readonly startValue?: number;
  /** Shown under the card when set, e.g. `UAT`. */
  readonly environment?: string;
}

/** An answer of the API other than 2xx. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

export async function loadConfig(): Promise<CardConfig> {
  const res = await fetch('config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
  const config = await res.json() as CardConfig;
  if (typeof config.apiBaseUrl !== 'string') throw new Error('config.json: apiBaseUrl is missing');
  return config;
}

/** The counter API: every call answers `{ value }` or throws `ApiError`. */
export class CounterApi {
  private readonly base: string;
  constructor(apiBaseUrl: string) {
    this.base = apiBaseUrl.replace(/\/+$/, '');
  }

  read(): Promise<number> { return this.call('GET', '/counter'); }
  /** One sale. `saleId` makes a retry of the same sale count once (sent as `Idempotency-Key`). */
  sellOne(saleId: string = crypto.randomUUID()): Promise<number> { return this.call('POST', '/decrement', { 'Idempotency-Key': saleId }); }
  /** Back to the start value; `staffToken` is a staff pool token (ID or access), sent as a bearer token. */
  reset(staffToken: string): Promise<number> { return this.call('PUT', '/reset', { authorization: `Bearer ${staffToken}` }); }

  private async call(method: string, path: string, headers: Record<string, string> = {}): Promise<number> {
    const res = await fetch(`${this.base}${path}`, { method, headers: { accept: 'application/json', ...headers }, cache: 'no-store' });
    let body: { value?: unknown; message?: unknown } = {};
    try {
      body = await res.json();
    } catch {
      // A gateway error page or an empty answer: the status says enough.
    }
    if (!res.ok) throw new ApiError(res.status, typeof body.message === 'string' ? body.message : `HTTP ${res.status}`);
    if (typeof body.value !== 'number') throw new ApiError(res.status, 'The answer holds no value');
    return body.value;
  }
}
