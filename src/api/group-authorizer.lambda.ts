import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { CognitoJwtInvalidGroupError, JwtInvalidScopeError } from 'aws-jwt-verify/error';
import type { JwksCache } from 'aws-jwt-verify/jwk';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';

/**
 * Lambda REQUEST authorizer of `TracedApi` for routes with `requiredGroups`: API Gateway's Cognito
 * authorizer checks a token but never its groups, so without this a handler that forgets the check
 * would serve anyone signed in.
 *
 * It verifies the Cognito token (signature against the pool's JWKS, issuer, expiry, `token_use`)
 * with aws-jwt-verify, then the route's groups (any of them) and scopes. No token, or a forged,
 * expired or foreign one: `Unauthorized` (API Gateway answers 401). A genuine token without the
 * group: a Deny policy (403). Otherwise an Allow policy for this method ARN only, with the token's
 * claims as the authorizer context (`requestContext.authorizer.<claim>`, groups as a comma list).
 * API Gateway caches the answer per token, method and resource path, so one route's Allow is never
 * reused for another route.
 */

/** What one route asks of its callers. */
export interface RouteRule {
  /** Cognito groups, any of which the caller must hold. */
  readonly groups: string[];
  /** OAuth scopes, any of which the (access) token must hold; empty: none. */
  readonly scopes?: string[];
}

export interface GroupAuthorizerConfig {
  /** The user pool whose tokens are accepted. */
  readonly userPoolId: string;
  /** The rules by route key, `METHOD /resource/path` as API Gateway names the resource. */
  readonly routes: Record<string, RouteRule>;
  /** The JWKS cache and its fetcher (tests serve the pool's keys from 127.0.0.1). @default aws-jwt-verify's own, fetching the pool's JWKS */
  readonly jwksCache?: JwksCache;
}

type Handler = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

function bearerToken(headers: APIGatewayRequestAuthorizerEvent['headers']): string | undefined {
  const entry = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization');
  const value = entry?.[1]?.trim();
  if (!value) return undefined;
  // API Gateway's Cognito authorizer takes the bare token; most clients send `Bearer <token>`.
  const match = /^Bearer\s+(\S+)$/i.exec(value);
  return match ? match[1] : value;
}

function policy(principalId: string, effect: 'Allow' | 'Deny', methodArn: string, context?: APIGatewayAuthorizerResult['context']): APIGatewayAuthorizerResult {
  return {
    principalId,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: methodArn }] },
    context,
  };
}

/** The claims API Gateway can carry to the function: strings, numbers and booleans; groups as a comma list. */
function contextOf(payload: Record<string, unknown>): Record<string, string | number | boolean> {
  const context: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') context[name] = value;
  }
  const groups = payload['cognito:groups'];
  context['cognito:groups'] = Array.isArray(groups) ? groups.map(String).join(',') : '';
  return context;
}

function log(fields: Record<string, unknown>): void {
  console.info(JSON.stringify({ level: 'INFO', service: 'rampart-group-authorizer', ...fields }));
}

/** An authorizer handler for `config`. */
export function groupAuthorizer(config: GroupAuthorizerConfig): Handler {
  const verifier = CognitoJwtVerifier.create(
    { userPoolId: config.userPoolId, tokenUse: null, clientId: null },
    config.jwksCache ? { jwksCache: config.jwksCache } : undefined,
  );
  return async (event) => {
    const routeKey = `${event.httpMethod} ${event.resource}`;
    const rule = config.routes[routeKey];
    const token = bearerToken(event.headers);
    if (!token) throw new Error('Unauthorized');
    let payload: Record<string, unknown>;
    try {
      payload = await verifier.verify(token, {
        groups: rule?.groups.length ? rule.groups : null,
        scope: rule?.scopes?.length ? rule.scopes : null,
        tokenUse: rule?.scopes?.length ? 'access' : null,
        clientId: null,
      }) as Record<string, unknown>;
    } catch (error) {
      if (rule && (error instanceof CognitoJwtInvalidGroupError || error instanceof JwtInvalidScopeError)) {
        const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
        log({ message: 'Denied: missing group or scope', route: routeKey, sub: claims.sub, reason: (error as Error).message });
        return policy(String(claims.sub ?? 'unknown'), 'Deny', event.methodArn);
      }
      log({ message: 'Refused token', route: routeKey, reason: (error as Error).message });
      throw new Error('Unauthorized');
    }
    if (!rule) {
      // A route this API never wired to the authorizer: refuse rather than guess.
      log({ message: 'Denied: route has no rule', route: routeKey, sub: payload.sub });
      return policy(String(payload.sub), 'Deny', event.methodArn);
    }
    return policy(String(payload.sub), 'Allow', event.methodArn, contextOf(payload));
  };
}

let fromEnvironment: Handler | undefined;

/** The handler `TracedApi` deploys: configured by `RAMPART_USER_POOL_ID` and `RAMPART_ROUTE_RULES` (JSON). */
export const handler: Handler = async (event) => {
  fromEnvironment ??= groupAuthorizer({
    userPoolId: process.env.RAMPART_USER_POOL_ID ?? '',
    routes: JSON.parse(process.env.RAMPART_ROUTE_RULES ?? '{}') as Record<string, RouteRule>,
  });
  return fromEnvironment(event);
};
