import { randomUUID } from 'crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';

/** A request as a test, a local run or a benchmark sends it to a Lambda proxy integration. */
export interface ApiGatewayEventOptions {
  /** The HTTP method, e.g. `POST`. */
  readonly method: string;
  /** The route's resource path as API Gateway reports it, e.g. `/passes/{passId}`. */
  readonly resource: string;
  /** The path parameters, e.g. `{ passId: 'p-1' }`; `null` in the event when there are none. */
  readonly pathParameters?: Record<string, string>;
  /** The request path below the stage. @default the resource with its path parameters filled in */
  readonly path?: string;
  /** Headers, one value each (the last of a repeated header). @default none */
  readonly headers?: Record<string, string>;
  /** Every value of each header. @default each of `headers` as a one-value list */
  readonly multiValueHeaders?: Record<string, string[]>;
  /** Query string parameters, one value each (the last of a repeated one). @default none (`null`) */
  readonly query?: Record<string, string>;
  /** Every value of each query string parameter. @default each of `query` as a one-value list */
  readonly multiValueQuery?: Record<string, string[]>;
  /** The body as API Gateway passes it (text, or base64 with `isBase64Encoded`). @default no body (`null`) */
  readonly body?: string | null;
  /** @default false */
  readonly isBase64Encoded?: boolean;
  /**
   * The caller's token claims as API Gateway's Cognito authorizer passes them
   * (`requestContext.authorizer.claims`). @default no authorizer (`null`)
   */
  readonly claims?: Record<string, unknown>;
  /**
   * The whole `requestContext.authorizer`, e.g. the flat context of a Lambda authorizer (TracedApi's
   * group authorizer). Takes the place of `claims`.
   */
  readonly authorizer?: Record<string, unknown>;
  /** @default a new `req-<uuid>` */
  readonly requestId?: string;
  /** @default 'local' */
  readonly stage?: string;
  /** @default 'localhost' */
  readonly domainName?: string;
  /** @default '127.0.0.1' */
  readonly sourceIp?: string;
  /** @default the `User-Agent` header, or '' */
  readonly userAgent?: string;
  /** The API key the request carried. @default none */
  readonly apiKey?: string;
  /** The IAM caller (IAM routes). @default none */
  readonly userArn?: string;
  /** @default 'HTTP/1.1' */
  readonly protocol?: string;
  /** @default '000000000000' */
  readonly accountId?: string;
}

function lastOf(multi: Record<string, string[]>): Record<string, string> {
  return Object.fromEntries(Object.entries(multi).filter(([, v]) => v.length > 0).map(([k, v]) => [k, v[v.length - 1]]));
}

function listOf(single: Record<string, string>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(single).map(([k, v]) => [k, [v]]));
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  return Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
}

/**
 * An API Gateway REST (Lambda proxy) event, with every field API Gateway sets: what the tests, the
 * local run and the benchmarks hand to the handlers, so each of them sees the same event shape as
 * a deployed function does.
 */
export function apiGatewayEvent(options: ApiGatewayEventOptions): APIGatewayProxyEvent {
  const stage = options.stage ?? 'local';
  const domainName = options.domainName ?? 'localhost';
  const requestId = options.requestId ?? `req-${randomUUID()}`;
  const path = options.path ?? options.resource.replace(/\{(\w+)\+?\}/g, (whole, k: string) => options.pathParameters?.[k] ?? whole);
  const multiValueHeaders = options.multiValueHeaders ?? listOf(options.headers ?? {});
  const headers = options.headers ?? lastOf(multiValueHeaders);
  const multiValueQuery = options.multiValueQuery ?? (options.query ? listOf(options.query) : undefined);
  const query = options.query ?? (multiValueQuery ? lastOf(multiValueQuery) : undefined);
  const hasQuery = query !== undefined && Object.keys(query).length > 0;
  const now = new Date();
  const authorizer = options.authorizer ?? (options.claims ? { claims: options.claims } : null);
  return {
    resource: options.resource,
    path,
    httpMethod: options.method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiValueQuery ?? null : null,
    pathParameters: options.pathParameters && Object.keys(options.pathParameters).length > 0 ? options.pathParameters : null,
    stageVariables: null,
    body: options.body ?? null,
    isBase64Encoded: options.isBase64Encoded ?? false,
    requestContext: {
      accountId: options.accountId ?? '000000000000',
      apiId: 'local',
      resourceId: 'local',
      resourcePath: options.resource,
      httpMethod: options.method,
      path: `/${stage}${path}`,
      stage,
      requestId,
      extendedRequestId: requestId,
      requestTime: now.toUTCString(),
      requestTimeEpoch: now.getTime(),
      protocol: options.protocol ?? 'HTTP/1.1',
      domainName,
      domainPrefix: domainName.split('.')[0],
      authorizer,
      identity: {
        sourceIp: options.sourceIp ?? '127.0.0.1',
        userAgent: options.userAgent ?? headerValue(headers, 'user-agent') ?? '',
        apiKey: options.apiKey ?? null,
        apiKeyId: options.apiKey ? 'local-key' : null,
        userArn: options.userArn ?? null,
        user: options.userArn ? 'local' : null,
        caller: null,
        accountId: null,
        accessKey: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        clientCert: null,
      },
    },
  };
}

/** A request with a JSON body: `body` serialized, `Content-Type: application/json` unless given. */
export function jsonApiGatewayEvent(options: Omit<ApiGatewayEventOptions, 'body'> & { readonly json?: unknown }): APIGatewayProxyEvent {
  const { json, ...rest } = options;
  const headers = { ...(headerValue(rest.headers ?? {}, 'content-type') === undefined ? { 'Content-Type': 'application/json' } : {}), ...rest.headers };
  return apiGatewayEvent({ ...rest, headers, body: json === undefined ? null : JSON.stringify(json) });
}
