import { apiGatewayEvent } from '@cdk-rampart/lambda-kit/testing';

/** What bench/handlers/<example>.ts declares for section 3. */
export interface SampleRequest {
  readonly method: string;
  /** The resource path as API Gateway reports it, e.g. `/passes/{passId}`. */
  readonly path: string;
  readonly pathParameters?: Record<string, string>;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Cognito claims for `requestContext.authorizer.claims` (COGNITO routes). */
  readonly claims?: Record<string, string>;
  /** Environment for this handler's function only (e.g. `RAMPART_REQUIRED_GROUPS`). */
  readonly environment?: Record<string, string>;
  /** This function's memory when it differs from the example's (MB). */
  readonly memoryMb?: number;
  /** A whole event for handlers that are not API routes (SQS, DynamoDB stream); sent as is. */
  readonly event?: unknown;
  /**
   * Before each invocation, `entry` (placeholders replaced) is appended to the JSON array in the
   * environment variable `env`, keeping the last `keep`: for a register the handler reads on each
   * call (the pass's stub identity provider must know each new registration's document).
   */
  readonly registerPerCall?: { readonly env: string; readonly entry: unknown; readonly keep: number };
}

export interface HandlerSamples {
  /** The memory the stack configures for these functions (MB), for the cost estimate. */
  readonly memoryMb: number;
  readonly tables: { envName: string; partitionKey?: string; sortKey?: string }[];
  readonly environment?: Record<string, string>;
  /**
   * By handler file name (examples/<x>/handlers/<name>.ts). `{{seq}}` anywhere in a request is
   * replaced by a token unique to each invocation (distinct users, document numbers, keys);
   * `{{index}}` by the invocation's number among all of this handler's invocations in the run
   * (0, 1, 2...), and `{{index%K}}` by that number modulo K (e.g. spreading calls over K accounts).
   */
  readonly requests: Record<string, SampleRequest>;
  /**
   * Starts what the handlers need beyond tables (queues, parameters, seeded items) and returns the
   * environment to give them; when present, `tables` are not created by the section. `invocations`
   * is how many times the section will invoke each handler (cold samples and warm calls together).
   */
  readonly prepare?: (dynamoDbEndpoint: string, plan: { invocations: number }) =>
  Promise<{ environment: Record<string, string>; stop(): Promise<void> }>;
}

/** The request with `{{seq}}` replaced by `seq`, `{{index}}` by `index` and `{{index%K}}` by `index` modulo K. */
export function withSeq<T>(r: T, seq: string, index = 0): T {
  return JSON.parse(JSON.stringify(r)
    .replace(/\{\{seq\}\}/g, seq)
    .replace(/\{\{index\}\}/g, String(index))
    .replace(/\{\{index%(\d+)\}\}/g, (_, k: string) => String(index % Number(k))));
}

/** A minimal API Gateway REST proxy event for a sample request. */
export function proxyEventFor(r: SampleRequest, requestId: string): any {
  if (r.event !== undefined) return r.event;
  return apiGatewayEvent({
    method: r.method,
    resource: r.path,
    pathParameters: r.pathParameters,
    headers: { 'content-type': 'application/json', ...(r.headers ?? {}) },
    body: r.body === undefined ? null : JSON.stringify(r.body),
    claims: r.claims,
    requestId,
    stage: 'v1',
  });
}
