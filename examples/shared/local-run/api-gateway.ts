import { randomUUID } from 'crypto';
import type { IncomingMessage } from 'http';
import { apiGatewayEvent, lambdaContext } from '@cdk-rampart/lambda-kit/testing';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { LocalCaller, LocalIdentity } from './identity';
import { RouteAuthorization } from '../../../src/api';
import type { ExampleRoute } from '../stack/routes';

/** A Lambda proxy handler, as the example handlers export it. */
export type LocalHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** A route with its path template compiled and its handler loaded. */
export interface LoadedRoute {
  readonly route: ExampleRoute;
  readonly handler: LocalHandler;
  readonly pattern: RegExp;
  readonly paramNames: string[];
}

/** A local HTTP answer. */
export interface LocalResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

/** How a request reached the emulated API. */
export interface ApiRequest {
  readonly method: string;
  /** The path below the stage, e.g. `/counter`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly req: IncomingMessage;
  readonly body: Buffer;
}

export interface ApiSettings {
  readonly stageName: string;
  readonly apiKey: string;
  readonly identity: LocalIdentity;
  /** Host and port, for `requestContext.domainName`. */
  readonly domainName: string;
  /** Default route function timeout. */
  readonly defaultTimeoutMs: number;
}

/** `/passes/{passId}/scans/{rest+}` -> a RegExp with one group per parameter (`+` is greedy). */
export function compilePath(template: string): { pattern: RegExp; paramNames: string[] } {
  const paramNames: string[] = [];
  const source = template === '/' ? '' : template.split('/').slice(1).map((segment) => {
    const param = /^\{([A-Za-z0-9_]+)(\+?)\}$/.exec(segment);
    if (!param) return `/${segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
    paramNames.push(param[1]);
    return param[2] ? '/(.+)' : '/([^/]+)';
  }).join('');
  return { pattern: new RegExp(`^${source}/?$`), paramNames };
}

/** The route answering a path, preferring literal segments over parameters (as API Gateway does). */
function findRoutes(routes: LoadedRoute[], path: string): { route: LoadedRoute; params: Record<string, string> }[] {
  const found: { route: LoadedRoute; params: Record<string, string>; literal: number }[] = [];
  for (const r of routes) {
    const m = r.pattern.exec(path === '' ? '/' : path);
    if (!m) continue;
    const params: Record<string, string> = {};
    r.paramNames.forEach((name, i) => { params[name] = decodeURIComponent(m[i + 1]); });
    found.push({ route: r, params, literal: r.route.path.split('/').filter((s) => s && !s.startsWith('{')).length });
  }
  return found.sort((a, b) => b.literal - a.literal);
}

function gatewayError(statusCode: number, message: string, requestId: string, extra: Record<string, string> = {}): LocalResponse {
  // The shape of TracedApi's gateway responses: {"message": ..., "requestId": ...}.
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': extra.errorType ?? '' },
    body: Buffer.from(JSON.stringify({ message, requestId })),
  };
}

function headerLists(req: IncomingMessage): Record<string, string[]> {
  const multi: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) (multi[req.rawHeaders[i]] ??= []).push(req.rawHeaders[i + 1]);
  return multi;
}

function queryLists(query: URLSearchParams): Record<string, string[]> {
  return Object.fromEntries([...new Set(query.keys())].map((k) => [k, query.getAll(k)]));
}

/** An API Gateway REST (Lambda proxy) event for a request, as API Gateway builds it (the kit's `apiGatewayEvent`). */
export function proxyEvent(args: {
  request: ApiRequest;
  route: ExampleRoute;
  params: Record<string, string>;
  settings: ApiSettings;
  requestId: string;
  caller?: LocalCaller;
  apiKey?: string;
}): APIGatewayProxyEvent {
  const { request, route, params, settings, requestId, caller } = args;
  const isText = request.body.length === 0 || /json|text|xml|form-urlencoded|javascript/i.test(String(request.req.headers['content-type'] ?? 'application/json'));
  return apiGatewayEvent({
    method: request.method,
    resource: route.path,
    path: request.path,
    pathParameters: params,
    multiValueHeaders: headerLists(request.req),
    multiValueQuery: queryLists(request.query),
    body: request.body.length === 0 ? null : (isText ? request.body.toString('utf8') : request.body.toString('base64')),
    isBase64Encoded: request.body.length > 0 && !isText,
    claims: caller?.claims,
    requestId,
    stage: settings.stageName,
    domainName: settings.domainName,
    protocol: `HTTP/${request.req.httpVersion}`,
    sourceIp: request.req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
    apiKey: args.apiKey,
    userArn: caller?.userArn,
  });
}

function routeContext(route: ExampleRoute, requestId: string, timeoutMs: number): Context {
  return lambdaContext({ functionName: `local-${route.handlerName}`, requestId, timeoutMs, memoryMb: route.functionOptions?.memorySize });
}

/**
 * Answers one request below the stage as API Gateway (REST, Lambda proxy) would: 403 "Missing
 * Authentication Token" for an unknown method or path, 403 "Forbidden" without the API key on
 * `apiKeyRequired` routes, 401 without a caller on COGNITO routes, otherwise the route's handler,
 * in-process, with a proxy event; a handler that throws or runs past its timeout is a 502 / 504.
 * Cognito groups (`requiredGroups`) are not checked here: on AWS the group authorizer checks them,
 * and the function checks them again, so a handler without its own check is caught by the tests.
 */
export async function answerApi(routes: LoadedRoute[], request: ApiRequest, settings: ApiSettings): Promise<LocalResponse> {
  const requestId = randomUUID();
  let found: ReturnType<typeof findRoutes>;
  try {
    found = findRoutes(routes, request.path);
  } catch (error) {
    // A path parameter with a malformed percent-encoding (`%zz`, a lone `%`): refused as API Gateway does.
    if (error instanceof URIError) return gatewayError(400, 'Bad request: the path holds a malformed percent-encoding', requestId, { errorType: 'BadRequestException' });
    throw error;
  }
  const match = found.find((m) => m.route.route.method === request.method || m.route.route.method === 'ANY');
  if (!match) return gatewayError(403, 'Missing Authentication Token', requestId, { errorType: 'MissingAuthenticationTokenException' });
  const route = match.route.route;

  const givenKey = request.req.headers['x-api-key'];
  const apiKey = typeof givenKey === 'string' ? givenKey : undefined;
  if (route.apiKeyRequired && apiKey !== settings.apiKey) return gatewayError(403, 'Forbidden', requestId, { errorType: 'ForbiddenException' });

  let caller: LocalCaller | undefined;
  const authorization = route.authorization ?? RouteAuthorization.IAM;
  if (authorization !== RouteAuthorization.NONE) {
    caller = await settings.identity.callerOf(request.req.headers);
    if (authorization === RouteAuthorization.COGNITO && !caller?.claims) {
      return gatewayError(401, 'Unauthorized', requestId, { errorType: 'UnauthorizedException' });
    }
    if (authorization === RouteAuthorization.IAM && !caller?.userArn) {
      return gatewayError(403, 'Missing Authentication Token', requestId, { errorType: 'MissingAuthenticationTokenException' });
    }
  }

  const event = proxyEvent({ request, route, params: match.params, settings, requestId, caller, apiKey });
  const timeoutMs = route.functionOptions?.timeout?.toMilliseconds() ?? settings.defaultTimeoutMs;
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await Promise.race([
      match.route.handler(event, routeContext(route, requestId, timeoutMs)),
      new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); }),
    ]);
    if (result === 'timeout') return gatewayError(504, 'Endpoint request timed out', requestId);
    const headers: Record<string, string | string[]> = { 'x-amzn-requestid': requestId };
    for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v);
    for (const [k, v] of Object.entries(result.multiValueHeaders ?? {})) headers[k.toLowerCase()] = v.map(String);
    const body = Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8');
    return { statusCode: result.statusCode, headers, body };
  } catch (error) {
    console.error(`[local] ${request.method} ${route.path}: the handler threw`, error);
    return gatewayError(502, 'Internal server error', requestId);
  } finally {
    clearTimeout(timer);
  }
}
