import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { MAX_BODY_BYTES } from './model';
import { PASS_ENV } from './settings';
import { claimsOf, dynamoDb, HttpError, UnauthorizedError, type ApiHandler } from '../../shared/handler-kit';

/** The table the pass routes work on. */
export interface PassStore {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** The store from the environment (read on each call: cheap, and a test can point it elsewhere). */
export function storeFromEnv(): PassStore {
  const tableName = process.env[PASS_ENV.TABLE];
  if (!tableName) throw new Error(`${PASS_ENV.TABLE} is not set`);
  return { client: dynamoDb(), tableName };
}

/** Who is calling, from the Cognito authorizer's claims only (never from the body). */
export interface Caller {
  readonly sub: string;
  readonly name: string;
  readonly groups: string[];
}

export function callerOf(event: APIGatewayProxyEvent): Caller {
  const claims = claimsOf(event);
  const sub = typeof claims?.sub === 'string' ? claims.sub : '';
  if (!sub) throw new UnauthorizedError('Sign in first');
  const name = [claims?.name, claims?.email, claims?.['cognito:username']].find((v) => typeof v === 'string' && v !== '') as string | undefined;
  const raw = claims?.['cognito:groups'];
  const groups = Array.isArray(raw) ? raw.map(String) : String(raw ?? '').replace(/^\[|\]$/g, '').split(/[,\s]+/).filter(Boolean);
  return { sub, name: name ?? sub, groups };
}

/** The service cannot take the request now; nothing was stored, the client retries after `retryAfterSeconds`. */
export class ServiceUnavailableError extends HttpError {
  constructor(message: string, readonly retryAfterSeconds = 5) { super(503, 'ServiceUnavailable', message); }
}

export class PayloadTooLargeError extends HttpError {
  constructor() { super(413, 'PayloadTooLarge', `The body is larger than ${MAX_BODY_BYTES} bytes`); }
}

const RETRY_AFTER_SECONDS = 5;

/**
 * Wraps a handler kit route for the pass API: refuses bodies over `MAX_BODY_BYTES` with 413 before
 * parsing, marks answers uncacheable unless `cacheControl` says otherwise, and adds `Retry-After`
 * to 429 and 503 answers, so a client (or the web app) knows when to come back: nothing was stored.
 */
export function passRoute(inner: ApiHandler, options: { cacheControl?: string } = {}): ApiHandler {
  return async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    const requestId = event.requestContext?.requestId ?? context.awsRequestId;
    const size = event.body ? (event.isBase64Encoded ? Math.floor(event.body.length * 0.75) : Buffer.byteLength(event.body)) : 0;
    const result: APIGatewayProxyResult = size > MAX_BODY_BYTES
      ? { statusCode: 413, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ error: 'PayloadTooLarge', message: new PayloadTooLargeError().message, requestId }) }
      : await inner(event, context);
    const headers: Record<string, string | number | boolean> = { ...result.headers };
    headers['Cache-Control'] = result.statusCode === 200 && options.cacheControl ? options.cacheControl : 'no-store';
    if (result.statusCode === 503 || result.statusCode === 429) headers['Retry-After'] = String(RETRY_AFTER_SECONDS);
    return { ...result, headers };
  };
}

/** The name DynamoDB gives a failed condition, on its own or inside a cancelled transaction. */
export function isConditionFailure(error: unknown): boolean {
  return (error as Error)?.name === 'ConditionalCheckFailedException';
}

/** Why each item of a cancelled transaction failed (`None`, `ConditionalCheckFailed`, `TransactionConflict`...). */
export function cancellationCodes(error: unknown): string[] | undefined {
  if ((error as Error)?.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
  if (reasons) return reasons.map((r) => r.Code ?? 'None');
  // Some engines only name the reasons in the message: "... reasons [None, ConditionalCheckFailed]".
  const m = /\[([^\]]*)\]/.exec((error as Error).message ?? '');
  return m ? m[1].split(',').map((s) => s.trim()) : [];
}
