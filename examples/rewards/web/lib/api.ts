import type { FieldIssue } from '../../../shared/web/dom';

/** One field's problem, as the API lists them in a 400 answer (`details`). */
export type { FieldIssue };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: FieldIssue[] = [],
    readonly code?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** The rewards API on the site's own origin, with the signed-in user's token. */
export class RewardsApi {
  constructor(private readonly baseUrl: string, private readonly token: () => string | undefined) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const token = this.token();
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
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
      const details = parsed?.details;
      const issues = Array.isArray(details) ? (details as FieldIssue[]).filter((d) => typeof d?.path === 'string') : [];
      let message = typeof parsed?.message === 'string' ? parsed.message : `HTTP ${res.status}`;
      if (res.status === 401) message = 'Your sign-in has expired. Sign in again.';
      if (res.status === 503) message = `The service is busy. Nothing was lost; please try again${retry ? ` in ${retry} seconds` : ''}.`;
      const code = typeof details?.code === 'string' ? details.code : (typeof parsed?.error === 'string' ? parsed.error : undefined);
      throw new ApiError(res.status, message, issues, code, retry);
    }
    return parsed as T;
  }
}

/** A new transaction id: a retried submit is applied once. */
export function newTransactionId(): string {
  return crypto.randomUUID();
}

/** What `GET /balance` answers. */
export interface Balance {
  readonly userId: string;
  readonly balance: number;
}

/** A transaction as applied (with the rules version it was priced under). */
export interface Transaction {
  readonly transactionId: string;
  readonly kind: 'encounter' | 'donation' | 'giveaway' | 'exchange';
  readonly from: string;
  readonly to: string;
  readonly units: number;
  readonly goods?: string;
  readonly rulesVersion: number;
  readonly createdAt: string;
  readonly changes: { party: string; delta: number }[];
}

/** What `POST /transactions` answers: the transaction, and whether this id had been applied before. */
export interface TransactionOutcome {
  readonly transaction: Transaction;
  readonly replayed: boolean;
}
