import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { HttpMethod, RouteAuthorization, TracedApiRoute, TracedFunction } from '../../src/api';
import { authorizationOptions, concreteFunction, routeKey, routeThrottles } from '../../src/api/private/routes';

const code = () => lambda.Code.fromAsset(path.join(__dirname, 'fixtures', 'handler'));
const route = (extra: Partial<TracedApiRoute> = {}): TracedApiRoute => ({ method: HttpMethod.GET, path: '/items', ...extra });
const fakeAuthorizer = (id: string): apigateway.IAuthorizer => ({ authorizerId: id });

describe('routeKey', () => {
  test('is the method, a space and the path', () => {
    expect(routeKey(HttpMethod.POST, '/items/{itemId}')).toBe('POST /items/{itemId}');
    expect(routeKey(HttpMethod.ANY, '/')).toBe('ANY /');
  });
});

describe('concreteFunction', () => {
  test('a lambda.Function is itself, a TracedFunction its function, an imported one undefined', () => {
    const stack = new Stack(new App(), 'S');
    const fn = new lambda.Function(stack, 'Fn', { code: code(), handler: 'index.handler', runtime: lambda.Runtime.NODEJS_22_X });
    const traced = new TracedFunction(stack, 'Traced', { code: code(), handler: 'index.handler', serviceName: 'svc' });
    const imported = lambda.Function.fromFunctionArn(stack, 'Imported', 'arn:aws:lambda:eu-west-1:123456789012:function:other');
    expect(concreteFunction(fn)).toBe(fn);
    expect(concreteFunction(traced)).toBe(traced.function);
    expect(concreteFunction(imported)).toBeUndefined();
    expect(concreteFunction(undefined)).toBeUndefined();
  });
});

describe('routeThrottles', () => {
  test('one method setting per throttled route, keyed by path and method', () => {
    expect(routeThrottles([
      route({ throttle: { rateLimit: 10, burstLimit: 20 } }),
      route({ method: HttpMethod.ANY, path: '/', throttle: { rateLimit: 1, burstLimit: 2 } }),
      route({ method: HttpMethod.POST, path: '/other' }),
    ])).toEqual({
      '/items/GET': { throttlingRateLimit: 10, throttlingBurstLimit: 20 },
      '/*': { throttlingRateLimit: 1, throttlingBurstLimit: 2 },
    });
  });

  test('no throttled route, no settings', () => {
    expect(routeThrottles([route(), route({ method: HttpMethod.PUT })])).toEqual({});
    expect(routeThrottles([])).toEqual({});
  });
});

describe('authorizationOptions', () => {
  const cognito = fakeAuthorizer('cognito');
  const groups = fakeAuthorizer('groups');

  test('IAM and NONE', () => {
    expect(authorizationOptions(RouteAuthorization.IAM, route(), {})).toEqual({ authorizationType: apigateway.AuthorizationType.IAM });
    expect(authorizationOptions(RouteAuthorization.NONE, route(), { cognito })).toEqual({ authorizationType: apigateway.AuthorizationType.NONE });
  });

  test('COGNITO uses the Cognito authorizer, with scopes only when there are some', () => {
    expect(authorizationOptions(RouteAuthorization.COGNITO, route(), { cognito, groups })).toEqual({
      authorizationType: apigateway.AuthorizationType.COGNITO, authorizer: cognito, authorizationScopes: undefined,
    });
    expect(authorizationOptions(RouteAuthorization.COGNITO, route({ authorizationScopes: [] }), { cognito }).authorizationScopes).toBeUndefined();
    expect(authorizationOptions(RouteAuthorization.COGNITO, route({ authorizationScopes: ['api/read'] }), { cognito })).toEqual({
      authorizationType: apigateway.AuthorizationType.COGNITO, authorizer: cognito, authorizationScopes: ['api/read'],
    });
  });

  test('COGNITO with required groups goes through the group authorizer when there is one', () => {
    const r = route({ requiredGroups: ['admins'], authorizationScopes: ['api/read'] });
    expect(authorizationOptions(RouteAuthorization.COGNITO, r, { cognito, groups })).toEqual({
      authorizationType: apigateway.AuthorizationType.CUSTOM, authorizer: groups,
    });
    expect(authorizationOptions(RouteAuthorization.COGNITO, r, { cognito }).authorizer).toBe(cognito);
    expect(authorizationOptions(RouteAuthorization.COGNITO, route({ requiredGroups: [] }), { cognito, groups }).authorizer).toBe(cognito);
  });
});
