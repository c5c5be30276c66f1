import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { HttpMethod, RouteAuthorization, TracedApiProps, TracedApiRoute } from '../../src/api';
import { ResolvedApiProps, validateTracedApiProps } from '../../src/api/private/api-validation';
import { PropsError } from '../../src/private/validation';

const code = () => lambda.Code.fromAsset(path.join(__dirname, 'fixtures', 'handler'));
const RESOLVED: ResolvedApiProps = {
  stageName: 'v1',
  defaultAuthorization: RouteAuthorization.IAM,
  throttle: { rateLimit: 100, burstLimit: 200 },
  wafEnabled: true,
  accountConcurrency: 1000,
  endpointType: apigateway.EndpointType.REGIONAL,
};
const route = (extra: Partial<TracedApiRoute> = {}): TracedApiRoute => ({ method: HttpMethod.GET, path: '/items', code: code(), handler: 'index.handler', ...extra });

/** The props named in the error, or [] when the props are valid. */
function problems(props: Partial<TracedApiProps>, resolved: Partial<ResolvedApiProps> = {}): string[] {
  const stack = new Stack(new App(), 'S');
  try {
    validateTracedApiProps(stack, { routes: [route()], ...props } as TracedApiProps, { ...RESOLVED, ...resolved });
    return [];
  } catch (e) {
    if (!(e instanceof PropsError)) throw e;
    expect(e.message).toMatch(/^TracedApi/);
    return e.problems.map((p) => p.prop);
  }
}

describe('validateTracedApiProps', () => {
  test('valid props pass', () => {
    expect(problems({})).toEqual([]);
    expect(problems({ routes: [route(), route({ method: HttpMethod.POST, path: '/items/{itemId}/{rest+}' }), route({ path: '/' })] })).toEqual([]);
  });

  test('every problem in one error', () => {
    expect(problems({ routes: [] }, { stageName: 'v 1', accountConcurrency: 10 })).toEqual(['routes', 'stageName', 'accountConcurrency']);
  });

  test('throttles: a burst below the rate, negative numbers', () => {
    expect(problems({}, { throttle: { rateLimit: 100, burstLimit: 50 } })).toEqual(['throttle.burstLimit']);
    expect(problems({}, { throttle: { rateLimit: -1, burstLimit: 1.5 } })).toEqual(['throttle.rateLimit', 'throttle.burstLimit']);
    expect(problems({ routes: [route({ throttle: { rateLimit: 10, burstLimit: 5 } })] })).toEqual(['routes[0].throttle.burstLimit']);
  });

  test('paths', () => {
    expect(problems({ routes: [route({ path: 'items' })] })).toEqual(['routes[0].path']);
    expect(problems({ routes: [route({ path: '/items/' })] })).toEqual(['routes[0].path']);
    expect(problems({ routes: [route({ path: '/a b' })] })).toEqual(['routes[0].path']);
    expect(problems({ routes: [route({ path: '/{rest+}/x' })] })).toEqual(['routes[0].path']);
  });

  test('a method and path declared twice', () => {
    expect(problems({ routes: [route(), route()] })).toEqual(['routes[1]']);
  });

  test('the function: existingFunction or code with handler, never both', () => {
    const stack = new Stack(new App(), 'F');
    const fn = new lambda.Function(stack, 'Fn', { code: code(), handler: 'index.handler', runtime: lambda.Runtime.NODEJS_22_X });
    expect(problems({ routes: [route({ existingFunction: fn })] })).toEqual(['routes[0]']);
    expect(problems({ routes: [route({ handler: undefined })] })).toEqual(['routes[0]']);
    expect(problems({ routes: [{ method: HttpMethod.GET, path: '/x', existingFunction: fn }] })).toEqual([]);
  });

  test("timeouts above API Gateway's 29 seconds", () => {
    expect(problems({ routes: [route({ functionOptions: { timeout: Duration.seconds(30) } })] })).toEqual(['routes[0].functionOptions.timeout']);
    expect(problems({ routes: [route({ functionOptions: { timeout: Duration.seconds(29) } })] })).toEqual([]);
    const stack = new Stack(new App(), 'F');
    const slow = new lambda.Function(stack, 'Fn', { code: code(), handler: 'index.handler', runtime: lambda.Runtime.NODEJS_22_X, timeout: Duration.minutes(1) });
    expect(problems({ routes: [{ method: HttpMethod.GET, path: '/x', existingFunction: slow }] })).toEqual(['routes[0].existingFunction.timeout']);
  });

  test('authorization: COGNITO needs a user pool; scopes and groups only with COGNITO', () => {
    expect(problems({ routes: [route({ authorization: RouteAuthorization.COGNITO })] })).toEqual(['routes[0].authorization']);
    expect(problems({}, { defaultAuthorization: RouteAuthorization.COGNITO })).toEqual(['routes[0].authorization']);
    expect(problems({ routes: [route({ requiredGroups: ['admins'] })] })).toEqual(['routes[0].authorizationScopes/requiredGroups']);
  });

  test('API keys: a route requiring one needs a usage plan, a plan needs such a route and distinct key names', () => {
    expect(problems({ routes: [route({ apiKeyRequired: true })] })).toEqual(['routes[0].apiKeyRequired']);
    expect(problems({ usagePlan: { apiKeyNames: ['partner'] } })).toEqual(['usagePlan']);
    expect(problems({ routes: [route({ apiKeyRequired: true })], usagePlan: { apiKeyNames: ['partner'] } })).toEqual([]);
    expect(problems({ routes: [route({ apiKeyRequired: true })], usagePlan: { apiKeyNames: ['a-b', 'ab'] } })).toEqual(['usagePlan.apiKeyNames']);
  });

  test('request schemas: an object schema, on methods with a body', () => {
    const schema = { type: apigateway.JsonSchemaType.OBJECT };
    expect(problems({ routes: [route({ requestSchema: schema })] })).toEqual(['routes[0].requestSchema']);
    expect(problems({ routes: [route({ method: HttpMethod.POST, requestSchema: schema })] })).toEqual([]);
    expect(problems({ routes: [route({ method: HttpMethod.POST, requestSchema: { type: apigateway.JsonSchemaType.ARRAY } })] })).toEqual(['routes[0].requestSchema']);
  });

  test('CORS origins', () => {
    expect(problems({ cors: { allowOrigins: apigateway.Cors.ALL_ORIGINS } })).toEqual([]);
    expect(problems({ cors: { allowOrigins: ['https://app.example.com', 'http://localhost:3000'] } })).toEqual([]);
    expect(problems({ cors: { allowOrigins: [] } })).toEqual(['cors.allowOrigins']);
    expect(problems({ cors: { allowOrigins: ['*', 'https://app.example.com'] } })).toEqual(['cors.allowOrigins']);
    expect(problems({ cors: { allowOrigins: ['*'], allowCredentials: true } })).toEqual(['cors.allowOrigins']);
    expect(problems({ cors: { allowOrigins: ['https://app.example.com/'] } })).toEqual(['cors.allowOrigins']);
    expect(problems({ cors: { allowOrigins: ['https://app.example.com'], maxAge: Duration.days(2) } })).toEqual(['cors.maxAge']);
  });

  test('waf settings are checked with wafEnabled', () => {
    expect(problems({ waf: { rateLimit: 500 } }, { wafEnabled: false })).toEqual(['waf']);
  });
});
