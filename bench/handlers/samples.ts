/** What bench/handlers/<example>.ts declares for section 3. */
export interface SampleRequest {
  readonly method: string;
  /** The resource path as API Gateway reports it, e.g. `/passes/{passId}`. */
  readonly path: string;
  readonly pathParameters?: Record<string, string>;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface HandlerSamples {
  /** The memory the stack configures for these functions (MB), for the cost estimate. */
  readonly memoryMb: number;
  readonly tables: { envName: string; partitionKey?: string; sortKey?: string }[];
  readonly environment?: Record<string, string>;
  /** By handler file name (examples/<x>/handlers/<name>.ts). */
  readonly requests: Record<string, SampleRequest>;
}

/** A minimal API Gateway REST proxy event for a sample request. */
export function proxyEventFor(r: SampleRequest, requestId: string): any {
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
      authorizer: null,
    },
    body: r.body === undefined ? null : JSON.stringify(r.body),
    isBase64Encoded: false,
  };
}
