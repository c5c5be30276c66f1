import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { HttpMethod, RouteAuthorization, TracedApiRoute } from '../traced-api-route';
import { TracedFunction } from '../traced-function';

/** The key of a route in `TracedApi.functions`: `METHOD /path`. */
export function routeKey(method: HttpMethod, path: string): string {
  return `${method} ${path}`;
}

/** The `lambda.Function` behind a route's function: itself or a `TracedFunction`'s; undefined for an imported one. */
export function concreteFunction(fn: lambda.IFunction | undefined): lambda.Function | undefined {
  if (fn instanceof lambda.Function) return fn;
  if (fn instanceof TracedFunction) return fn.function;
  return undefined;
}

/** The stage's method settings: the throttle of each route that has its own. */
export function routeThrottles(routes: TracedApiRoute[]): { [path: string]: apigateway.MethodDeploymentOptions } {
  const methodOptions: { [path: string]: apigateway.MethodDeploymentOptions } = {};
  for (const route of routes) {
    if (route.throttle) {
      methodOptions[`${route.path === '/' ? '' : route.path}/${route.method === HttpMethod.ANY ? '*' : route.method}`] = {
        throttlingRateLimit: route.throttle.rateLimit,
        throttlingBurstLimit: route.throttle.burstLimit,
      };
    }
  }
  return methodOptions;
}

/** The authorizers a `TracedApi` created, when it needed them. */
export interface RouteAuthorizers {
  readonly cognito?: apigateway.IAuthorizer;
  readonly groups?: apigateway.IAuthorizer;
}

/** How API Gateway authorizes a route's method. */
export function authorizationOptions(
  authorization: RouteAuthorization, route: TracedApiRoute, authorizers: RouteAuthorizers,
): apigateway.MethodOptions {
  switch (authorization) {
    case RouteAuthorization.IAM:
      return { authorizationType: apigateway.AuthorizationType.IAM };
    case RouteAuthorization.COGNITO:
      if (route.requiredGroups?.length && authorizers.groups) {
        // Scopes are checked by the group authorizer (API Gateway takes them for Cognito authorizers only).
        return { authorizationType: apigateway.AuthorizationType.CUSTOM, authorizer: authorizers.groups };
      }
      return {
        authorizationType: apigateway.AuthorizationType.COGNITO,
        authorizer: authorizers.cognito,
        authorizationScopes: route.authorizationScopes?.length ? route.authorizationScopes : undefined,
      };
    default:
      return { authorizationType: apigateway.AuthorizationType.NONE };
  }
}
