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
}

export interface HandlerSamples {
  /** The memory the stack configures for these functions (MB), for the cost estimate. */
  readonly memoryMb: number;
  readonly tables: { envName: string; partitionKey?: string; sortKey?: string }[];
  readonly environment?: Record<string, string>;
  /**
   * By handler file name (examples/<x>/handlers/<name>.ts). `{{seq}}` anywhere in a request is
   * replaced by a token unique to each invocation (distinct users, document numbers, keys).
   */
  readonly requests: Record<string, SampleRequest>;
  /**
   * Starts what the handlers need beyond tables (queues, parameters, seeded items) and returns the
   * environment to give them; when present, `tables` are not created by the section.
   */
  readonly prepare?: (dynamoDbEndpoint: string) => Promise<{ environment: Record<string, string>; stop(): Promise<void> }>;
}

/** The request with every `{{seq}}` replaced by `seq`. */
export function withSeq<T>(r: T, seq: string): T {
  return JSON.parse(JSON.stringify(r).replace(/\{\{seq\}\}/g, seq));
}

/** A minimal API Gateway REST proxy event for a sample request. */
export function proxyEventFor(r: SampleRequest, requestId: string): any {
  if (r.event !== undefined) return r.event;
  const path = r.path.replace(/\{(\w+)\+?\}/g, (_, k) => r.pathParameters?.[k] ?? k);
  return {
    resource: r.path,
    path,
    httpMethod: r.method,
    headers: { 'content-type': 'application/json', ...(r.headers ?? {}) },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: r.pathParameters ?? null,
    stageVariables: null,
    requestContext: {
      requestId,
      stage: 'v1',
      httpMethod: r.method,
      resourcePath: r.path,
      path: `/v1${path}`,
      identity: { sourceIp: '127.0.0.1' },
      accountId: '111111111111',
      apiId: 'local',
      protocol: 'HTTP/1.1',
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      authorizer: r.claims ? { claims: r.claims } : null,
    },
    body: r.body === undefined ? null : JSON.stringify(r.body),
    isBase64Encoded: false,
  };
}
