import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { HttpMethod, RouteAuthorization, TracedApi, TracedApiProps, TracedApiRoute } from '../../src/api';
import { ConfigParameter, ConfigParameterType } from '../../src/config';
import { DataTable } from '../../src/data';
import { expectCompliant } from '../support/compliance';

// A Code asset binds to one stack: each stack gets its own.
const code = () => lambda.Code.fromAsset(path.join(__dirname, 'fixtures', 'handler'));
const ItemSchema: apigateway.JsonSchema = {
  type: apigateway.JsonSchemaType.OBJECT,
  properties: { name: { type: apigateway.JsonSchemaType.STRING, minLength: 1 } },
  required: ['name'],
  additionalProperties: false,
};
const routes = (): TracedApiRoute[] => [
  { method: HttpMethod.POST, path: '/items', code: code(), handler: 'index.handler', requestSchema: ItemSchema },
  { method: HttpMethod.GET, path: '/items/{itemId}', code: code(), handler: 'index.handler', authorization: RouteAuthorization.NONE },
];

function build(props: Partial<TracedApiProps> = {}, stackProps = {}): { stack: Stack; api: TracedApi; template: Template } {
  const stack = new Stack(new App(), 'Api', stackProps);
  const api = new TracedApi(stack, 'Items', { routes: routes(), ...props });
  return { stack, api, template: Template.fromStack(stack) };
}

describe('TracedApi', () => {
  test('X-Ray on the stage and on every function, with the team function defaults', () => {
    const { template, api } = build();
    template.hasResourceProperties('AWS::ApiGateway::Stage', { TracingEnabled: true, StageName: 'v1' });
    template.resourceCountIs('AWS::Lambda::Function', 2);
    template.allResourcesProperties('AWS::Lambda::Function', {
      TracingConfig: { Mode: 'Active' },
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 1024,
      Timeout: 10,
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON', ApplicationLogLevel: 'INFO' }),
      KmsKeyArn: Match.anyValue(),
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'Items', POWERTOOLS_METRICS_NAMESPACE: 'Items', POWERTOOLS_LOG_LEVEL: 'INFO' }) },
    });
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: Match.anyValue() });
    expect(Object.keys(api.functions).sort()).toEqual(['GET /items/{itemId}', 'POST /items']);
    // No AWS managed policy: each role's grants live in its own customer managed policy.
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.allResourcesProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  test('JSON access logs to a log group with retention; execution logging off, data tracing never', () => {
    const { template, api } = build();
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0].Properties;
    const format = JSON.parse(stage.AccessLogSetting.Format);
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status', xrayTraceId: '$context.xrayTraceId', ip: '$context.identity.sourceIp' });
    expect(stage.AccessLogSetting.DestinationArn).toEqual({ 'Fn::GetAtt': [Stack.of(api).getLogicalId(api.accessLogGroup.node.defaultChild as any), 'Arn'] });
    expect(stage.MethodSettings).toContainEqual(expect.objectContaining({ HttpMethod: '*', ResourcePath: '/*', LoggingLevel: 'OFF', DataTraceEnabled: false }));
    template.resourceCountIs('AWS::ApiGateway::Account', 0);

    const on = build({ executionLogLevel: apigateway.MethodLoggingLevel.ERROR }).template;
    on.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([Match.objectLike({ LoggingLevel: 'ERROR', DataTraceEnabled: false })]),
    });
  });

  test('stage throttling with per-route overrides', () => {
    const { template } = build({
      throttle: { rateLimit: 50, burstLimit: 100 },
      routes: [routes()[0], { ...routes()[1], throttle: { rateLimit: 5, burstLimit: 10 } }],
    });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([
        Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 }),
        Match.objectLike({ HttpMethod: 'GET', ResourcePath: '/~1items~1{itemId}', ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 }),
      ]),
    });
  });

  test('a JSON schema model and a validator reject a bad body before the function runs', () => {
    const { template, stack, api } = build();
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true, ValidateRequestParameters: true });
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      ContentType: 'application/json',
      Schema: Match.objectLike({ $schema: 'http://json-schema.org/draft-04/schema#', type: 'object', required: ['name'], additionalProperties: false }),
    });
    const post = api.methods['POST /items'].node.defaultChild as apigateway.CfnMethod;
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      RequestValidatorId: { Ref: stack.getLogicalId(api.requestValidator.node.defaultChild as any) },
      RequestModels: { 'application/json': Match.anyValue() },
    });
    expect(post.requestModels).toBeDefined();
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'BAD_REQUEST_BODY',
      ResponseTemplates: { 'application/json': Match.stringLikeRegexp('validationErrorString.*requestId') },
    });
  });

  test('gateway responses are JSON, with CORS headers when CORS is on', () => {
    const plain = build().template;
    plain.hasResourceProperties('AWS::ApiGateway::GatewayResponse', { ResponseType: 'DEFAULT_5XX', ResponseParameters: Match.absent() });
    const { template } = build({ cors: { allowOrigins: ['https://shop.example.com'] } });
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX', 'BAD_REQUEST_BODY']) {
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Access-Control-Allow-Origin': "'https://shop.example.com'" }),
        ResponseTemplates: { 'application/json': Match.stringLikeRegexp('"requestId":"\\$context.requestId"') },
      });
    }
    template.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'OPTIONS' });
  });

  test('authorization per route: IAM by default, Cognito with scopes and groups, explicit NONE', () => {
    const { template, api } = build();
    template.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'POST', AuthorizationType: 'AWS_IAM' });
    template.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'GET', AuthorizationType: 'NONE' });
    expect(api.authorizer).toBeUndefined();

    const stack = new Stack(new App(), 'Cognito');
    const userPool = new cognito.UserPool(stack, 'Pool');
    new TracedApi(stack, 'Items', {
      userPool,
      routes: [
        { method: HttpMethod.POST, path: '/items', code: code(), handler: 'index.handler', authorizationScopes: ['items/write'], requiredGroups: ['officers'] },
        { method: HttpMethod.GET, path: '/items', code: code(), handler: 'index.handler', authorization: RouteAuthorization.IAM },
      ],
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'GET', AuthorizationType: 'AWS_IAM' });
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ RAMPART_REQUIRED_GROUPS: 'officers' }) } });
  });

  test('Cognito routes: the pool authorizer without groups; with requiredGroups, the bundled group authorizer checks token and groups', () => {
    const stack = new Stack(new App(), 'Groups');
    const userPool = new cognito.UserPool(stack, 'Pool');
    const api = new TracedApi(stack, 'Items', {
      userPool,
      routes: [
        { method: HttpMethod.GET, path: '/items', code: code(), handler: 'index.handler', authorizationScopes: ['items/read'] },
        { method: HttpMethod.POST, path: '/items', code: code(), handler: 'index.handler', requiredGroups: ['officers', 'admins'] },
        { method: HttpMethod.PUT, path: '/items/{itemId}', code: code(), handler: 'index.handler', requiredGroups: ['admins'], authorizationScopes: ['items/write'] },
      ],
    });
    const t = Template.fromStack(stack);
    const poolArn = { 'Fn::GetAtt': [stack.getLogicalId(userPool.node.defaultChild as cognito.CfnUserPool), 'Arn'] };
    t.hasResourceProperties('AWS::ApiGateway::Authorizer', { Type: 'COGNITO_USER_POOLS', ProviderARNs: [poolArn] });
    t.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'GET', AuthorizationType: 'COGNITO_USER_POOLS', AuthorizationScopes: ['items/read'] });

    // One REQUEST authorizer, cached per token, method and resource path (never one route's Allow for another).
    const authorizerId = stack.getLogicalId(api.groupAuthorizer!.node.defaultChild as apigateway.CfnAuthorizer);
    t.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.Authorization,context.httpMethod,context.resourcePath',
      AuthorizerResultTtlInSeconds: 300,
    });
    for (const method of ['POST', 'PUT']) {
      t.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: method, AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizerId } });
    }
    // The handler is the build-time bundle in assets/, configured with the pool and each route's rule.
    const fn = t.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('group routes') } });
    expect(Object.keys(fn)).toHaveLength(1);
    const props = Object.values(fn)[0].Properties;
    expect(props.Environment.Variables.RAMPART_USER_POOL_ID).toEqual({ Ref: stack.getLogicalId(userPool.node.defaultChild as cognito.CfnUserPool) });
    expect(JSON.parse(props.Environment.Variables.RAMPART_ROUTE_RULES)).toEqual({
      'POST /items': { groups: ['officers', 'admins'] },
      'PUT /items/{itemId}': { groups: ['admins'], scopes: ['items/write'] },
    });
    expect(props.Handler).toBe('index.handler');
    t.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      SourceArn: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('/authorizers/')])]) }),
    });
  });

  test('a TracedApi with group routes passes every compliance pack (the group authorizer included)', () => {
    const stack = new Stack(new App(), 'GroupsCompliant');
    const userPool = new cognito.UserPool(stack, 'Pool', {
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: { minLength: 14, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
    });
    new TracedApi(stack, 'Api', {
      userPool,
      routes: [{ method: HttpMethod.POST, path: '/items', code: code(), handler: 'index.handler', requiredGroups: ['officers'] }],
    });
    const report = expectCompliant(stack);
    const cog4 = report.acknowledgements.filter((a) => a.ruleId === 'AwsSolutions-COG4');
    expect(cog4.length).toBeGreaterThan(0);
    expect(cog4.every((a) => /Lambda authorizer verifies the same user pool/.test(a.reason))).toBe(true);
  });

  test('a regional WAF WebACL is associated with the stage', () => {
    const { template, api } = build({ waf: { rateLimit: 300 } });
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: Match.arrayWith([Match.objectLike({ Statement: { RateBasedStatement: Match.objectLike({ Limit: 300 }) } })]),
    });
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('/stages/')])]) }),
      WebACLArn: { 'Fn::GetAtt': [Stack.of(api).getLogicalId(api.webAcl!.webAcl), 'Arn'] },
    });
    build({ wafEnabled: false }).template.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  test('existing functions, usage plan with API keys, configuration and reserved concurrency', () => {
    const stack = new Stack(new App(), 'Existing');
    const existing = new lambda.Function(stack, 'Existing', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: code() });
    const rules = new ConfigParameter(stack, 'Rules', { envName: 'RULES_PARAM', valueType: ConfigParameterType.JSON, value: '{"max":4}' });
    const api = new TracedApi(stack, 'Items', {
      usagePlan: { apiKeyNames: ['partner-a'], quota: { limit: 1000, period: apigateway.Period.DAY } },
      config: [rules],
      routes: [
        { method: HttpMethod.GET, path: '/items', existingFunction: existing, apiKeyRequired: true },
        { method: HttpMethod.DELETE, path: '/items/{itemId}', code: code(), handler: 'index.handler', functionOptions: { reservedConcurrentExecutions: 5, timeout: Duration.seconds(5) } },
      ],
    });
    const t = Template.fromStack(stack);
    expect(api.functionFor(HttpMethod.GET, '/items')).toBe(existing);
    t.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'GET', ApiKeyRequired: true });
    t.hasResourceProperties('AWS::ApiGateway::UsagePlan', { Quota: { Limit: 1000, Period: 'DAY' } });
    t.resourceCountIs('AWS::ApiGateway::ApiKey', 1);
    t.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 5, Timeout: 5, Environment: { Variables: Match.objectLike({ RULES_PARAM: { Ref: Match.anyValue() } }) } });
    t.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', Runtime: 'nodejs24.x', Environment: { Variables: { RULES_PARAM: { Ref: Match.anyValue() } } } });
  });

  test('validation names every bad prop in one error', () => {
    const bad = (props: Partial<TracedApiProps>) => () => new TracedApi(new Stack(new App(), 'Bad'), 'Api', { routes: routes(), ...props });
    const r = (extra: Partial<TracedApiRoute>): TracedApiRoute[] => [{ method: HttpMethod.POST, path: '/x', code: code(), handler: 'index.handler', ...extra }];
    expect(bad({ routes: [...routes(), routes()[0]] })).toThrow(/routes\[2\]: POST \/items is declared twice; allowed: each method and path once/);
    expect(bad({ routes: r({ path: 'items' }) })).toThrow(/routes\[0\]\.path: 'items'; allowed: a path starting with '\/'/);
    expect(bad({ routes: r({ path: '/items/$bad' }) })).toThrow(/routes\[0\]\.path: '\/items\/\$bad' has invalid segment/);
    expect(bad({ routes: r({ path: '/{all+}/x' }) })).toThrow(/routes\[0\]\.path: .*greedy/);
    expect(bad({ throttle: { rateLimit: -1, burstLimit: 10 } })).toThrow(/throttle\.rateLimit: -1/);
    expect(bad({ throttle: { rateLimit: 100, burstLimit: 10 } })).toThrow(/throttle\.burstLimit: 10 is below rateLimit 100/);
    expect(bad({ routes: r({ throttle: { rateLimit: 10, burstLimit: 5 } }) })).toThrow(/routes\[0\]\.throttle\.burstLimit/);
    expect(bad({ routes: r({ authorization: RouteAuthorization.COGNITO }) })).toThrow(/routes\[0\]\.authorization: 'COGNITO' without userPool; allowed: the userPool prop with COGNITO/);
    expect(bad({ defaultAuthorization: RouteAuthorization.COGNITO })).toThrow(/routes\[0\]\.authorization: 'COGNITO' without userPool/);
    expect(bad({ routes: r({ requestSchema: { type: apigateway.JsonSchemaType.ARRAY } }) })).toThrow(/routes\[0\]\.requestSchema: type "array"; allowed: an object schema/);
    expect(bad({ routes: r({ functionOptions: { reservedConcurrentExecutions: 5000 } }) })).toThrow(/routes\[0\]\.functionOptions\.reservedConcurrentExecutions: 5000; allowed: at most 900/);
    expect(bad({ accountConcurrency: 10000, routes: r({ functionOptions: { reservedConcurrentExecutions: 5000 } }) })).not.toThrow();
    expect(bad({ routes: r({ functionOptions: { memorySize: 64 } }) })).toThrow(/routes\[0\]\.functionOptions\.memorySize: 64; allowed: an integer from 128 to 10240 MB/);
    expect(bad({ routes: r({ code: undefined }) })).toThrow(/routes\[0\]: code not set, handler given; allowed: exactly one of existingFunction, or code together with handler/);
    expect(bad({ routes: r({ existingFunction: lambda.Function.fromFunctionArn(new Stack(), 'F', 'arn:aws:lambda:us-east-1:123456789012:function:f') }) }))
      .toThrow(/routes\[0\]: existingFunction and code\/handler are both given; allowed: exactly one of them/);
    expect(bad({ routes: r({ requiredGroups: ['a'] }) })).toThrow(/routes\[0\]\.authorizationScopes\/requiredGroups: \["a"\] given on a IAM route; allowed: scopes and groups on COGNITO routes only/);
    expect(bad({ routes: [] })).toThrow(/routes: \[\]; allowed: at least one route/);
    expect(bad({ stageName: 'v 1' })).toThrow(/stageName: 'v 1'/);
    expect(bad({ waf: {}, wafEnabled: false })).toThrow(/waf: \{\} given with wafEnabled false/);
    expect(bad({ usagePlan: { apiKeyNames: [] } })).toThrow(/usagePlan\.apiKeyNames: \[\]; allowed: at least one API key name/);
    // Nonsense that deploys but never works.
    expect(bad({ routes: r({ apiKeyRequired: true }) })).toThrow(/routes\[0\]\.apiKeyRequired: true without usagePlan \(every call would be refused with 403\); allowed: a usagePlan with API keys/);
    expect(bad({ usagePlan: { apiKeyNames: ['partner'] } })).toThrow(/usagePlan: given but no route sets apiKeyRequired .*; allowed: apiKeyRequired on the routes the plan meters/);
    expect(bad({ usagePlan: { apiKeyNames: ['partner'], quota: { limit: 0 } }, routes: r({ apiKeyRequired: true }) })).toThrow(/usagePlan\.quota\.limit: 0/);
    expect(bad({ routes: r({ functionOptions: { timeout: Duration.seconds(30) } }) }))
      .toThrow(/routes\[0\]\.functionOptions\.timeout: 30 seconds; allowed: at most 29 seconds, API Gateway's integration timeout/);
    const slow = new lambda.Function(new Stack(), 'Slow', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: code(), timeout: Duration.minutes(1) });
    expect(bad({ routes: [{ method: HttpMethod.GET, path: '/slow', existingFunction: slow }] })).toThrow(/routes\[0\]\.existingFunction\.timeout: 1 minute; allowed: at most 29 seconds/);
    expect(bad({ routes: r({ functionOptions: { timeout: Duration.seconds(29) } }) })).not.toThrow();
    expect(bad({ cors: { allowOrigins: apigateway.Cors.ALL_ORIGINS, allowCredentials: true } }))
      .toThrow(/cors\.allowOrigins: \["\*"\] is '\*' with allowCredentials true .*; allowed: origins such as 'https:\/\/app.example.com' with allowCredentials/);
    expect(bad({ cors: { allowOrigins: ['https://app.example.com/', 'app.example.com'] } })).toThrow(/cors\.allowOrigins: \["https:\/\/app.example.com\/","app.example.com"\] are not origins/);
    expect(bad({ cors: { allowOrigins: ['*', 'https://app.example.com'] } })).toThrow(/cors\.allowOrigins: .* mixes '\*' with origins/);
    expect(bad({ cors: { allowOrigins: ['https://app.example.com', 'http://localhost:5173'], allowCredentials: true } })).not.toThrow();
    expect(bad({ waf: { managedRuleGroups: ['NotARealGroup'] } })).toThrow(/TracedApi 'Bad\/Api' has invalid props:\n  - waf\.managedRuleGroups: \["NotARealGroup"\] are not AWS managed rule groups/);
    // All problems at once.
    expect(bad({ stageName: '!', throttle: { rateLimit: -1, burstLimit: -2 } })).toThrow(/stageName[\s\S]*throttle\.rateLimit[\s\S]*throttle\.burstLimit/);
  });

  test('a default TracedApi with a DataTable passes every compliance pack', () => {
    const app = new App();
    const stack = new Stack(app, 'Compliant');
    const table = new DataTable(stack, 'Items', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    const api = new TracedApi(stack, 'Api', { routes: routes(), cors: { allowOrigins: ['https://shop.example.com'] } });
    table.grantReadWriteItems(api.functionFor(HttpMethod.POST, '/items'));
    table.grantReadItems(api.functionFor(HttpMethod.GET, '/items/{itemId}'));
    const report = expectCompliant(stack);
    const acknowledged = new Set(report.acknowledgements.map((a) => a.ruleId));
    expect(acknowledged).toContain('AwsSolutions-APIG4'); // the explicit NONE route
    expect(report.acknowledgements.every((a) => a.reason.length > 40)).toBe(true);
  });

  test('with an account, invoke permissions name the source account too', () => {
    const { template } = build({}, { env: { account: '123456789012', region: 'eu-west-1' } });
    template.allResourcesProperties('AWS::Lambda::Permission', { SourceAccount: '123456789012', Principal: 'apigateway.amazonaws.com' });
  });
});
