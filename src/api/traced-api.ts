import { join as joinPath } from 'path';
import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { Compliance } from '../compliance';
import { TracedFunction, TracedFunctionOptions } from './traced-function';
import { IConfigEntry } from '../config/config-entry';
import { RegionalWebAcl, RegionalWebAclProps } from '../waf/regional-web-acl';
import { LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY, validateTracedFunctionOptions } from './private/function-defaults';
import { secureKey } from '../private/kms-key';
import { described, known, Validation } from '../private/validation';
import { validateWebAclRules } from '../waf/private/rules-validation';

/** HTTP methods a `TracedApiRoute` can answer. */
export enum HttpMethod {
  GET = 'GET',
  POST = 'POST',
  PUT = 'PUT',
  PATCH = 'PATCH',
  DELETE = 'DELETE',
  HEAD = 'HEAD',
  /** Any method (API Gateway `ANY`). */
  ANY = 'ANY',
}

/** Who may call a route. */
export enum RouteAuthorization {
  /** Callers sign requests with SigV4 (an IAM principal allowed `execute-api:Invoke`). */
  IAM = 'IAM',
  /** Callers send a Cognito user pool token (ID token, or access token when scopes are required). */
  COGNITO = 'COGNITO',
  /** Anyone may call it: must be chosen explicitly, route by route. */
  NONE = 'NONE',
}

/** Throttling for a stage or one route: the steady rate and the burst API Gateway allows. */
export interface ApiThrottle {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Requests allowed in a burst (token bucket size); at least `rateLimit`. */
  readonly burstLimit: number;
}

/** One route of a `TracedApi`: method, path and the function answering it, as data. */
export interface TracedApiRoute {
  /** The HTTP method. */
  readonly method: HttpMethod;
  /** The path, starting with `/`, e.g. `/passes/{passId}`; `{name+}` is a greedy parameter. */
  readonly path: string;
  /**
   * An existing function answering the route. Give either this or `code` + `handler`.
   *
   * @default - a function created from `code` and `handler` with the team defaults
   */
  readonly existingFunction?: lambda.IFunction;
  /**
   * Code of the function `TracedApi` creates for this route (with `handler`).
   *
   * @default - none: `existingFunction` is used
   */
  readonly code?: lambda.Code;
  /**
   * Handler of the function `TracedApi` creates for this route, `file.export`.
   *
   * @default - none: `existingFunction` is used
   */
  readonly handler?: string;
  /**
   * Overrides for the created function (memory, timeout, environment, reserved concurrency...).
   * The timeout is at most 29 seconds, API Gateway's integration timeout.
   *
   * @default - the team defaults of `TracedFunction`
   */
  readonly functionOptions?: TracedFunctionOptions;
  /**
   * JSON schema (draft 4) of the request body, an object schema. API Gateway rejects a body that
   * does not match with a 400 before the function runs.
   *
   * @default - the body is not validated by API Gateway
   */
  readonly requestSchema?: apigateway.JsonSchema;
  /**
   * Who may call the route.
   *
   * @default - the API's `defaultAuthorization`
   */
  readonly authorization?: RouteAuthorization;
  /**
   * With COGNITO: OAuth scopes the access token must hold (checked by API Gateway).
   *
   * @default - none: an ID token of the user pool is enough
   */
  readonly authorizationScopes?: string[];
  /**
   * With COGNITO: Cognito groups the caller must belong to (any of them). API Gateway's Cognito
   * authorizer cannot check groups, so these routes are guarded by the API's group authorizer (a
   * Lambda REQUEST authorizer bundled with this library): it verifies the user pool token and its
   * groups (and `authorizationScopes`), answering 401 for a missing, forged or expired token and 403
   * without the group, before the function runs. The function also gets the groups in
   * `RAMPART_REQUIRED_GROUPS`, for a second check of its own, and the token's claims in
   * `requestContext.authorizer` (groups as a comma list in `cognito:groups`).
   *
   * @default - no group check
   */
  readonly requiredGroups?: string[];
  /**
   * Throttling for this route, overriding the stage's.
   *
   * @default - the stage throttle
   */
  readonly throttle?: ApiThrottle;
  /**
   * Require an API key (from the API's usage plan) on this route.
   *
   * @default false
   */
  readonly apiKeyRequired?: boolean;
  /**
   * Configuration (SSM parameters, secrets) this route's function reads: granted, and its name
   * passed in the entry's environment variable.
   *
   * @default - only the API-wide `config`
   */
  readonly config?: IConfigEntry[];
}

/** A usage plan with API keys, for routes with `apiKeyRequired`. */
export interface TracedApiUsagePlan {
  /** Names of the API keys to create (their values are generated by API Gateway). */
  readonly apiKeyNames: string[];
  /**
   * Request quota per key.
   *
   * @default - no quota
   */
  readonly quota?: apigateway.QuotaSettings;
  /**
   * Throttle per key.
   *
   * @default - the stage throttle only
   */
  readonly throttle?: ApiThrottle;
}

/** Properties of a `TracedApi`. */
export interface TracedApiProps {
  /** The routes. */
  readonly routes: TracedApiRoute[];
  /**
   * Service name shared by logs, traces and metrics (`POWERTOOLS_SERVICE_NAME`), and the API name.
   *
   * @default - the construct id
   */
  readonly serviceName?: string;
  /**
   * CloudWatch metrics namespace for the functions (`POWERTOOLS_METRICS_NAMESPACE`).
   *
   * @default - the service name
   */
  readonly metricsNamespace?: string;
  /**
   * Stage name (the first segment of the URL path).
   *
   * @default 'v1'
   */
  readonly stageName?: string;
  /**
   * Authorization of routes that do not set their own.
   *
   * @default - COGNITO when `userPool` is given, IAM otherwise
   */
  readonly defaultAuthorization?: RouteAuthorization;
  /**
   * The Cognito user pool for COGNITO routes.
   *
   * @default - none; required when a route uses COGNITO
   */
  readonly userPool?: cognito.IUserPool;
  /**
   * Stage throttle, applied to every route without its own.
   *
   * @default - 1000 requests per second, bursts of 2000
   */
  readonly throttle?: ApiThrottle;
  /**
   * CORS: preflight answers on every resource, and CORS headers on gateway error responses.
   *
   * @default - no CORS
   */
  readonly cors?: apigateway.CorsOptions;
  /**
   * API Gateway execution logging level. Off by default: execution logs can carry request data,
   * and they need the region's API Gateway account role (`AWS::ApiGateway::Account`), which must
   * exist before you turn this on. Full request/response data tracing is never enabled.
   *
   * @default apigateway.MethodLoggingLevel.OFF
   */
  readonly executionLogLevel?: apigateway.MethodLoggingLevel;
  /**
   * Retention of the access logs and the functions' logs.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * KMS key encrypting the access logs, the functions' logs and environment variables.
   *
   * @default - a new key with rotation on
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * A regional WAF WebACL in front of the stage (AWS managed rule groups, a rate-based rule per
   * client IP, optional geo and IP lists).
   *
   * @default - a WebACL with the default rules of `WebAclRules`
   */
  readonly waf?: RegionalWebAclProps;
  /**
   * Put a WAF WebACL in front of the stage. Turn off only when another WebACL is associated.
   *
   * @default true
   */
  readonly wafEnabled?: boolean;
  /**
   * A usage plan with API keys, for routes with `apiKeyRequired`.
   *
   * @default - no usage plan
   */
  readonly usagePlan?: TracedApiUsagePlan;
  /**
   * Configuration every created function reads (SSM parameters, secrets).
   *
   * @default - none
   */
  readonly config?: IConfigEntry[];
  /**
   * Run the created functions in this VPC.
   *
   * @default - not in a VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets for the created functions in `vpc`.
   *
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * The account's Lambda concurrency quota in this region, to check reservations against.
   *
   * @default 1000
   */
  readonly accountConcurrency?: number;
}

const DEFAULT_THROTTLE: ApiThrottle = { rateLimit: 1000, burstLimit: 2000 };
const PATH_SEGMENT = /^([A-Za-z0-9._~-]+|\{[A-Za-z_][A-Za-z0-9_]*\+?\})$/;
const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;

/** One line per request in the access log, as JSON. */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  caller: '$context.identity.caller',
  user: '$context.identity.user',
  principalId: '$context.authorizer.principalId',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  path: '$context.path',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integration.latency',
  integrationStatus: '$context.integration.status',
  xrayTraceId: '$context.xrayTraceId',
  wafStatus: '$context.waf.status',
  errorMessage: '$context.error.message',
  errorType: '$context.error.responseType',
  validationError: '$context.error.validationErrorString',
});

/**
 * An API Gateway REST API (REST because HTTP APIs have no X-Ray) whose routes are Lambda functions,
 * declared as data.
 *
 * X-Ray on the stage and every function, JSON access logs to an encrypted log group with retention,
 * stage and per-route throttling, JSON-schema request validation before Lambda runs, JSON gateway
 * errors (with CORS headers when CORS is on), IAM / Cognito / explicit-none authorization per route,
 * a regional WAF WebACL, and functions with the `TracedFunction` defaults.
 *
 * @exampleMetadata fixture=construct
 * @example
 * import { DataTable, HttpMethod, TracedApi } from 'cdk-rampart';
 *
 * const api = new TracedApi(this, 'Passes', {
 *   routes: [
 *     { method: HttpMethod.POST, path: '/passes', code, handler: 'create.handler', requestSchema },
 *     { method: HttpMethod.GET, path: '/passes/{passId}', code, handler: 'get.handler' },
 *   ],
 * });
 * const table = new DataTable(this, 'Passes', { partitionKey });
 * table.grantReadWriteItems(api.functionFor(HttpMethod.POST, '/passes'));
 */
export class TracedApi extends Construct {
  /** The route key used in `functions`: `METHOD /path`. */
  public static routeKey(method: HttpMethod, path: string): string {
    return `${method} ${path}`;
  }

  /** The REST API. */
  public readonly api: apigateway.RestApi;
  /** The deployed stage. */
  public readonly stage: apigateway.Stage;
  /** The stage URL. */
  public readonly url: string;
  /** The function of each route, by route key (`POST /passes`). */
  public readonly functions: { [routeKey: string]: lambda.IFunction };
  /** The `TracedFunction` of each route whose function this API created, by route key. */
  public readonly tracedFunctions: { [routeKey: string]: TracedFunction };
  /** The API Gateway method of each route, by route key. */
  public readonly methods: { [routeKey: string]: apigateway.Method };
  /** The access log group. */
  public readonly accessLogGroup: logs.LogGroup;
  /** The key encrypting logs and function environments. */
  public readonly encryptionKey: kms.IKey;
  /** The request validator every method uses. */
  public readonly requestValidator: apigateway.RequestValidator;
  /** The Cognito authorizer, when a COGNITO route has no `requiredGroups`. */
  public readonly authorizer?: apigateway.CognitoUserPoolsAuthorizer;
  /** The group authorizer (Lambda REQUEST authorizer), when a route has `requiredGroups`. */
  public readonly groupAuthorizer?: apigateway.RequestAuthorizer;
  /** The group authorizer's function, when a route has `requiredGroups`. */
  public readonly groupAuthorizerFunction?: TracedFunction;
  /** The WAF WebACL in front of the stage, unless `wafEnabled` is false. */
  public readonly webAcl?: RegionalWebAcl;
  /** The usage plan, when `usagePlan` is set. */
  public readonly usagePlan?: apigateway.UsagePlan;
  /** The API keys of the usage plan, by name. */
  public readonly apiKeys: { [name: string]: apigateway.IApiKey };

  constructor(scope: Construct, id: string, props: TracedApiProps) {
    super(scope, id);

    const serviceName = props.serviceName ?? id;
    const stageName = props.stageName ?? 'v1';
    const defaultAuthorization = props.defaultAuthorization ?? (props.userPool ? RouteAuthorization.COGNITO : RouteAuthorization.IAM);
    const throttle = props.throttle ?? DEFAULT_THROTTLE;
    const executionLogLevel = props.executionLogLevel ?? apigateway.MethodLoggingLevel.OFF;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const wafEnabled = props.wafEnabled ?? true;
    const accountConcurrency = props.accountConcurrency ?? LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY;

    this.validate(props, { stageName, defaultAuthorization, throttle, wafEnabled, accountConcurrency });

    this.encryptionKey = props.encryptionKey ?? secureKey(this, 'Key', { description: `Encrypts the logs and function environments of ${this.node.path}`, forLogs: true });
    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: logRetention,
      encryptionKey: this.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const methodOptions: { [path: string]: apigateway.MethodDeploymentOptions } = {};
    for (const route of props.routes) {
      if (route.throttle) {
        methodOptions[`${route.path === '/' ? '' : route.path}/${route.method === HttpMethod.ANY ? '*' : route.method}`] = {
          throttlingRateLimit: route.throttle.rateLimit,
          throttlingBurstLimit: route.throttle.burstLimit,
        };
      }
    }

    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: serviceName,
      description: `${serviceName} (${this.node.path})`,
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      // The account-wide API Gateway role is a region singleton; an API must not create or own it.
      cloudWatchRole: false,
      defaultCorsPreflightOptions: props.cors,
      deployOptions: {
        stageName,
        tracingEnabled: true,
        accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: apigateway.AccessLogFormat.custom(ACCESS_LOG_FORMAT),
        loggingLevel: executionLogLevel,
        dataTraceEnabled: false,
        metricsEnabled: true,
        throttlingRateLimit: throttle.rateLimit,
        throttlingBurstLimit: throttle.burstLimit,
        methodOptions,
      },
    });
    this.stage = this.api.deploymentStage;
    this.url = this.api.url;

    this.requestValidator = this.api.addRequestValidator('Validator', {
      requestValidatorName: 'body-and-parameters',
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    this.addGatewayResponses(props.cors);

    const cognitoRoutes = props.routes.filter((r) => (r.authorization ?? defaultAuthorization) === RouteAuthorization.COGNITO);
    const groupRoutes = cognitoRoutes.filter((r) => (r.requiredGroups?.length ?? 0) > 0);
    if (cognitoRoutes.length > groupRoutes.length && props.userPool) {
      this.authorizer = new apigateway.CognitoUserPoolsAuthorizer(this, 'Authorizer', {
        cognitoUserPools: [props.userPool],
        resultsCacheTtl: Duration.minutes(5),
      });
    }
    if (groupRoutes.length > 0 && props.userPool) {
      this.groupAuthorizerFunction = this.createGroupAuthorizer(groupRoutes, props, serviceName, accountConcurrency);
      this.groupAuthorizer = new apigateway.RequestAuthorizer(this, 'GroupAuthorizer', {
        handler: this.groupAuthorizerFunction.function,
        // Cached per token AND route: an Allow for one route's groups is never reused for another.
        identitySources: [
          apigateway.IdentitySource.header('Authorization'),
          apigateway.IdentitySource.context('httpMethod'),
          apigateway.IdentitySource.context('resourcePath'),
        ],
        resultsCacheTtl: Duration.minutes(5),
      });
    }

    this.functions = {};
    this.tracedFunctions = {};
    this.methods = {};
    props.routes.forEach((route, index) => {
      const key = TracedApi.routeKey(route.method, route.path);
      const fn = this.routeFunction(route, index, props, serviceName, accountConcurrency);
      const authorization = route.authorization ?? defaultAuthorization;
      const resource = this.api.root.resourceForPath(route.path);
      const model = route.requestSchema
        ? this.api.addModel(`Model${index}`, {
          contentType: 'application/json',
          description: `Request body of ${key}`,
          schema: { schema: apigateway.JsonSchemaVersion.DRAFT4, title: `Route${index}Request`, ...route.requestSchema },
        })
        : undefined;
      const method = resource.addMethod(route.method, new apigateway.LambdaIntegration(fn, { allowTestInvoke: false }), {
        requestValidator: this.requestValidator,
        requestModels: model ? { 'application/json': model } : undefined,
        apiKeyRequired: route.apiKeyRequired ?? false,
        ...this.authorizationOptions(authorization, route),
      });
      this.functions[key] = fn;
      this.methods[key] = method;
      this.acknowledgeMethod(method, authorization, key, (route.requiredGroups?.length ?? 0) > 0);
      this.scopeInvokePermissions(method, key);
    });
    if (this.groupAuthorizer) this.scopeInvokePermissions(this.groupAuthorizerFunction!, 'group authorizer');
    if (props.cors) this.acknowledgePreflight();

    this.apiKeys = {};
    if (props.usagePlan) {
      this.usagePlan = this.api.addUsagePlan('UsagePlan', {
        name: `${serviceName}-${stageName}`,
        quota: props.usagePlan.quota,
        throttle: props.usagePlan.throttle
          ? { rateLimit: props.usagePlan.throttle.rateLimit, burstLimit: props.usagePlan.throttle.burstLimit }
          : undefined,
        apiStages: [{ api: this.api, stage: this.stage }],
      });
      for (const name of props.usagePlan.apiKeyNames) {
        const apiKey = this.api.addApiKey(`ApiKey${name.replace(/[^A-Za-z0-9]/g, '')}`, { apiKeyName: name });
        this.usagePlan.addApiKey(apiKey);
        this.apiKeys[name] = apiKey;
      }
    }

    if (wafEnabled) {
      this.webAcl = new RegionalWebAcl(this, 'WebAcl', { logEncryptionKey: this.encryptionKey, ...props.waf });
      this.webAcl.associate('StageAssociation', this.stage.stageArn);
    }

    this.acknowledgeStage(executionLogLevel);
  }

  /** The function of a route. Throws when the API has no such route. */
  public functionFor(method: HttpMethod, path: string): lambda.IFunction {
    const fn = this.functions[TracedApi.routeKey(method, path)];
    if (!fn) {
      new Validation('TracedApi', this, 'arguments of functionFor')
        .fail('method, path', described(TracedApi.routeKey(method, path)), `a route of this API: ${Object.keys(this.functions).join(', ')}`, 'is not a route')
        .throwIfInvalid();
    }
    return fn!;
  }

  private routeFunction(
    route: TracedApiRoute, index: number, props: TracedApiProps, serviceName: string, accountConcurrency: number,
  ): lambda.IFunction {
    const config = [...(props.config ?? []), ...(route.config ?? [])];
    const groups = route.requiredGroups ?? [];
    let fn: lambda.IFunction;
    if (route.existingFunction) {
      fn = route.existingFunction;
    } else {
      const traced = new TracedFunction(this, `Route${index}`, {
        code: route.code!,
        handler: route.handler!,
        serviceName,
        metricsNamespace: props.metricsNamespace,
        encryptionKey: this.encryptionKey,
        logRetention: props.logRetention,
        vpc: props.vpc,
        vpcSubnets: props.vpcSubnets,
        accountConcurrency,
        description: route.functionOptions?.description ?? `${route.method} ${route.path} of ${serviceName}`,
        ...route.functionOptions,
      });
      this.tracedFunctions[TracedApi.routeKey(route.method, route.path)] = traced;
      fn = traced.function;
    }
    if (fn instanceof lambda.Function) {
      for (const entry of config) entry.bind(fn);
      if (groups.length > 0) fn.addEnvironment('RAMPART_REQUIRED_GROUPS', groups.join(','));
    }
    return fn;
  }

  /** The function of the group authorizer: the bundled handler, configured with each guarded route's groups and scopes. */
  private createGroupAuthorizer(routes: TracedApiRoute[], props: TracedApiProps, serviceName: string, accountConcurrency: number): TracedFunction {
    const rules: { [routeKey: string]: { groups: string[]; scopes?: string[] } } = {};
    for (const route of routes) {
      rules[TracedApi.routeKey(route.method, route.path)] = {
        groups: route.requiredGroups!,
        ...(route.authorizationScopes?.length ? { scopes: route.authorizationScopes } : {}),
      };
    }
    return new TracedFunction(this, 'GroupAuthorizerFunction', {
      code: lambda.Code.fromAsset(joinPath(__dirname, '..', '..', 'assets', 'api', 'group-authorizer.lambda')),
      handler: 'index.handler',
      serviceName,
      metricsNamespace: props.metricsNamespace,
      description: `Checks the Cognito token and groups of ${serviceName}'s group routes`,
      memorySize: 256,
      timeout: Duration.seconds(10),
      encryptionKey: this.encryptionKey,
      logRetention: props.logRetention,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      accountConcurrency,
      environment: {
        RAMPART_USER_POOL_ID: props.userPool!.userPoolId,
        RAMPART_ROUTE_RULES: JSON.stringify(rules),
      },
      synchronousInvocationReason: 'Invoked synchronously by API Gateway as the REQUEST authorizer of the group routes; a failure is an answer (401/403/500) to the caller, never a lost event.',
    });
  }

  private authorizationOptions(authorization: RouteAuthorization, route: TracedApiRoute): apigateway.MethodOptions {
    switch (authorization) {
      case RouteAuthorization.IAM:
        return { authorizationType: apigateway.AuthorizationType.IAM };
      case RouteAuthorization.COGNITO:
        if (route.requiredGroups?.length && this.groupAuthorizer) {
          // Scopes are checked by the group authorizer (API Gateway takes them for Cognito authorizers only).
          return { authorizationType: apigateway.AuthorizationType.CUSTOM, authorizer: this.groupAuthorizer };
        }
        return {
          authorizationType: apigateway.AuthorizationType.COGNITO,
          authorizer: this.authorizer,
          authorizationScopes: route.authorizationScopes?.length ? route.authorizationScopes : undefined,
        };
      default:
        return { authorizationType: apigateway.AuthorizationType.NONE };
    }
  }

  private addGatewayResponses(cors: apigateway.CorsOptions | undefined): void {
    const headers: { [name: string]: string } = {};
    if (cors) {
      const origins = cors.allowOrigins;
      headers['Access-Control-Allow-Origin'] = `'${origins.length === 1 ? origins[0] : '*'}'`;
      headers['Access-Control-Allow-Headers'] = `'${(cors.allowHeaders ?? apigateway.Cors.DEFAULT_HEADERS).join(',')}'`;
      if (origins.length !== 1 || origins[0] !== '*') headers.Vary = "'Origin'";
    }
    const body = (message: string) => ({
      'application/json': `{"message":${message},"requestId":"$context.requestId"}`,
    });
    this.api.addGatewayResponse('BadRequestBody', {
      type: apigateway.ResponseType.BAD_REQUEST_BODY,
      responseHeaders: cors ? headers : undefined,
      templates: body('"$util.escapeJavaScript($context.error.validationErrorString)"'),
    });
    this.api.addGatewayResponse('Default4xx', {
      type: apigateway.ResponseType.DEFAULT_4XX,
      responseHeaders: cors ? headers : undefined,
      templates: body('$context.error.messageString'),
    });
    this.api.addGatewayResponse('Default5xx', {
      type: apigateway.ResponseType.DEFAULT_5XX,
      responseHeaders: cors ? headers : undefined,
      templates: body('$context.error.messageString'),
    });
  }

  private acknowledgeMethod(method: apigateway.Method, authorization: RouteAuthorization, key: string, groups: boolean): void {
    const resource = method.node.defaultChild as IConstruct;
    if (authorization === RouteAuthorization.COGNITO && groups) {
      Compliance.acknowledge(resource, 'AwsSolutions-COG4',
        `Route ${key} requires Cognito groups, which API Gateway's Cognito authorizer cannot check: its Lambda authorizer verifies the same user pool's token (signature against the pool's keys, issuer, expiry) and then the groups.`);
    }
    if (authorization === RouteAuthorization.NONE) {
      const reason = `Route ${key} is declared public (authorization: NONE) on purpose in the route table; WAF rate limits and the stage throttle still apply.`;
      Compliance.acknowledge(resource, 'AwsSolutions-APIG4', reason);
      Compliance.acknowledge(resource, 'AwsSolutions-COG4', reason);
    } else if (authorization === RouteAuthorization.IAM) {
      Compliance.acknowledge(resource, 'AwsSolutions-COG4',
        `Route ${key} is authorized with IAM (SigV4-signed requests checked by API Gateway), not with a Cognito user pool.`);
    }
  }

  /**
   * API Gateway's invoke permission names this API's stage, method and path in SourceArn; with a
   * known account we state SourceAccount too (Control Tower CT.LAMBDA.PR.2 reads only literals).
   */
  private scopeInvokePermissions(method: IConstruct, key: string): void {
    const account = Stack.of(this).account;
    for (const child of method.node.findAll()) {
      if (!(child instanceof lambda.CfnPermission)) continue;
      if (!Token.isUnresolved(account)) {
        child.sourceAccount = account;
      } else {
        Compliance.acknowledge(child, 'lambda_function_public_access_prohibited_check',
          `Only API Gateway may invoke, and SourceArn limits it to this API's stage and route ${key}; the offline check cannot read the account of an environment-agnostic stack (SourceAccount is set when the stack has an account).`);
      }
    }
  }

  private acknowledgePreflight(): void {
    for (const child of this.api.node.findAll()) {
      if (child instanceof apigateway.Method && child.httpMethod === 'OPTIONS') {
        const reason = 'CORS preflight (OPTIONS) answered by a mock integration: browsers send it without credentials by specification, and it reaches no function or data.';
        Compliance.acknowledge(child.node.defaultChild!, 'AwsSolutions-APIG4', reason);
        Compliance.acknowledge(child.node.defaultChild!, 'AwsSolutions-COG4', reason);
      }
    }
  }

  private acknowledgeStage(executionLogLevel: apigateway.MethodLoggingLevel): void {
    const stage = this.stage.node.defaultChild as IConstruct;
    if (executionLogLevel === apigateway.MethodLoggingLevel.OFF) {
      const reason = 'Execution logging is off by default: it can write request data to logs, and it needs the region-wide API Gateway account role that one API must not own. Every request is recorded in the JSON access log (caller, route, status, latency, X-Ray trace id, WAF status); set executionLogLevel to turn it on.';
      for (const rule of ['AwsSolutions-APIG6', 'NIST.800.53.R5-APIGWExecutionLoggingEnabled', 'HIPAA.Security-APIGWExecutionLoggingEnabled', 'PCI.DSS.321-APIGWExecutionLoggingEnabled', 'api_gw_v1_execution_logging_enabled_check']) {
        Compliance.acknowledge(stage, rule, reason);
      }
    }
    const cacheReason = 'No stage cache: responses are per caller and change with every write, so a cache keyed on the URL could serve one caller\'s data to another; DynamoDB answers in milliseconds at any scale.';
    for (const rule of ['NIST.800.53.R5-APIGWCacheEnabledAndEncrypted', 'HIPAA.Security-APIGWCacheEnabledAndEncrypted', 'PCI.DSS.321-APIGWCacheEnabledAndEncrypted']) {
      Compliance.acknowledge(stage, rule, cacheReason);
    }
    const certReason = 'Client certificates authenticate API Gateway to HTTP backends; every integration here is a Lambda proxy invoked through the Lambda API with IAM, where a client certificate has no role.';
    for (const rule of ['NIST.800.53.R5-APIGWSSLEnabled', 'HIPAA.Security-APIGWSSLEnabled', 'PCI.DSS.321-APIGWSSLEnabled']) {
      Compliance.acknowledge(stage, rule, certReason);
    }
  }

  private validate(props: TracedApiProps, resolved: {
    stageName: string;
    defaultAuthorization: RouteAuthorization;
    throttle: ApiThrottle;
    wafEnabled: boolean;
    accountConcurrency: number;
  }): void {
    const v = new Validation('TracedApi', this);
    if (!props.routes || props.routes.length === 0) {
      v.fail('routes', props.routes ?? [], 'at least one route');
    }
    v.matches('stageName', resolved.stageName, STAGE_NAME, '1-128 of A-Z a-z 0-9 _ -');
    validateThrottle(v, 'throttle', resolved.throttle);
    if (props.waf && !resolved.wafEnabled) {
      v.fail('waf', props.waf, 'waf settings only with wafEnabled true (drop one of them)', 'given with wafEnabled false');
    } else if (props.waf) {
      v.within('waf.', (w) => {
        validateWebAclRules(w, props.waf!);
        w.retention('logRetention', props.waf!.logRetention);
      });
    }
    if (props.vpcSubnets && !props.vpc) {
      v.fail('vpcSubnets', props.vpcSubnets, 'vpcSubnets together with vpc', 'given without vpc');
    }
    const acc = resolved.accountConcurrency;
    v.check('accountConcurrency', acc, Number.isInteger(acc) && acc >= 100, "the account's Lambda concurrency quota (at least 100)");
    validateCors(v, props.cors);
    if (props.usagePlan) {
      const plan = props.usagePlan;
      v.nonEmpty('usagePlan.apiKeyNames', plan.apiKeyNames, 'at least one API key name');
      if (plan.throttle) validateThrottle(v, 'usagePlan.throttle', plan.throttle);
      const keys = plan.apiKeyNames.map((n) => n.replace(/[^A-Za-z0-9]/g, ''));
      if (new Set(keys).size !== keys.length) {
        v.fail('usagePlan.apiKeyNames', plan.apiKeyNames, 'distinct names (ignoring punctuation)', 'repeat a name');
      }
      if (plan.quota?.limit !== undefined) v.integer('usagePlan.quota.limit', plan.quota.limit, 1, Number.MAX_SAFE_INTEGER, 'requests');
      if ((props.routes ?? []).length > 0 && !props.routes.some((r) => r.apiKeyRequired)) {
        v.fail('usagePlan', described('given'), 'apiKeyRequired on the routes the plan meters, or leave usagePlan out',
          'but no route sets apiKeyRequired (its quota and throttle would never apply)');
      }
    }

    const seen = new Set<string>();
    (props.routes ?? []).forEach((route, i) => {
      const at = `routes[${i}]`;
      const key = TracedApi.routeKey(route.method, route.path);
      if (seen.has(key)) v.fail(at, described(key), 'each method and path once', 'is declared twice');
      seen.add(key);
      v.oneOf(`${at}.method`, route.method, Object.values(HttpMethod));
      if (known(route.path)) {
        if (!route.path.startsWith('/')) {
          v.fail(`${at}.path`, route.path, "a path starting with '/'");
        } else if (route.path !== '/') {
          const segments = route.path.slice(1).split('/');
          const bad = segments.filter((seg) => !PATH_SEGMENT.test(seg));
          if (bad.length > 0) {
            v.fail(`${at}.path`, route.path, "segments of A-Z a-z 0-9 . _ ~ - or {param} / {param+} (last only), no empty segment or trailing '/'",
              `has invalid segment(s) ${bad.map((b) => `'${b}'`).join(', ')}`);
          } else if (segments.slice(0, -1).some((seg) => seg.endsWith('+}'))) {
            v.fail(`${at}.path`, route.path, 'a greedy {param+} as the last segment only', 'has a greedy {param+} before the last segment');
          }
        }
      }
      const hasCode = route.code !== undefined || route.handler !== undefined;
      if (route.existingFunction && hasCode) {
        v.fail(at, described('existingFunction and code/handler are both given'), 'exactly one of them');
      } else if (!route.existingFunction && (route.code === undefined || route.handler === undefined)) {
        v.fail(at, described(`code ${route.code ? 'given' : 'not set'}, handler ${route.handler ? 'given' : 'not set'}`), 'exactly one of existingFunction, or code together with handler');
      }
      if (route.existingFunction && route.functionOptions) {
        v.fail(`${at}.functionOptions`, route.functionOptions, 'functionOptions for functions TracedApi creates; configure existingFunction yourself', 'given with existingFunction');
      }
      if (route.functionOptions) v.within(`${at}.functionOptions.`, (w) => validateTracedFunctionOptions(w, route.functionOptions!, resolved.accountConcurrency));
      const timeout = route.existingFunction instanceof lambda.Function ? route.existingFunction.timeout : route.functionOptions?.timeout;
      const timeoutProp = route.existingFunction ? `${at}.existingFunction.timeout` : `${at}.functionOptions.timeout`;
      if (timeout !== undefined) {
        v.duration(timeoutProp, timeout, {
          max: API_INTEGRATION_TIMEOUT,
          allowed: "at most 29 seconds, API Gateway's integration timeout (the caller gets a 504 while the function runs on)",
        });
      }
      const authorization = route.authorization ?? resolved.defaultAuthorization;
      if (authorization === RouteAuthorization.COGNITO && !props.userPool) {
        v.fail(`${at}.authorization`, authorization, 'the userPool prop with COGNITO, or IAM / NONE', 'without userPool');
      }
      if (authorization !== RouteAuthorization.COGNITO && (route.authorizationScopes?.length || route.requiredGroups?.length)) {
        v.fail(`${at}.authorizationScopes/requiredGroups`, [...route.authorizationScopes ?? [], ...route.requiredGroups ?? []],
          'scopes and groups on COGNITO routes only', `given on a ${authorization} route`);
      }
      if (route.requiredGroups?.length && route.existingFunction && !(route.existingFunction instanceof lambda.Function)) {
        v.fail(`${at}.requiredGroups`, route.requiredGroups, 'a lambda.Function as existingFunction (not an imported one): the function enforces the groups from its environment',
          'given with an imported function');
      }
      if ((route.config?.length || props.config?.length) && route.existingFunction && !(route.existingFunction instanceof lambda.Function)) {
        v.fail(`${at}.config`, described(`${(route.config ?? []).length + (props.config ?? []).length} entries`),
          'a lambda.Function as existingFunction (not an imported one): configuration is passed through environment variables', 'given with an imported function');
      }
      if (route.apiKeyRequired && !props.usagePlan) {
        v.fail(`${at}.apiKeyRequired`, true, 'a usagePlan with API keys, or apiKeyRequired false', 'without usagePlan (every call would be refused with 403)');
      }
      if (route.throttle) validateThrottle(v, `${at}.throttle`, route.throttle);
      if (route.requestSchema) {
        const schema = route.requestSchema;
        if (schema.type !== apigateway.JsonSchemaType.OBJECT || schema.ref !== undefined) {
          v.fail(`${at}.requestSchema`, described(`type ${schema.ref ? `$ref ${schema.ref}` : JSON.stringify(schema.type)}`),
            'an object schema (type: JsonSchemaType.OBJECT) with its properties for a request body');
        }
        if (route.method === HttpMethod.GET || route.method === HttpMethod.HEAD) {
          v.fail(`${at}.requestSchema`, described(`given on ${route.method}`), 'a body schema on methods with a body (validate query parameters in the handler)');
        }
      }
    });
    v.throwIfInvalid();
  }
}

/** API Gateway stops waiting for a Lambda integration after 29 seconds. */
const API_INTEGRATION_TIMEOUT = Duration.seconds(29);
const ORIGIN = /^https?:\/\/(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?$/;

function validateCors(v: Validation, cors: apigateway.CorsOptions | undefined): void {
  if (!cors) return;
  const origins = cors.allowOrigins;
  if (!known(origins)) return;
  if (!v.nonEmpty('cors.allowOrigins', origins, "apigateway.Cors.ALL_ORIGINS or origins such as 'https://app.example.com'")) return;
  const wildcard = origins.includes('*');
  if (wildcard && origins.length > 1) {
    v.fail('cors.allowOrigins', origins, "either ['*'] alone or a list of origins", "mixes '*' with origins");
  }
  if (wildcard && cors.allowCredentials) {
    v.fail('cors.allowOrigins', origins, "origins such as 'https://app.example.com' with allowCredentials, or allowCredentials false",
      "is '*' with allowCredentials true (browsers refuse credentials for a wildcard origin)");
  }
  const bad = origins.filter((o) => o !== '*' && known(o) && !ORIGIN.test(o));
  if (bad.length > 0) {
    v.fail('cors.allowOrigins', bad, "origins as browsers send them: scheme://host[:port], no path or trailing '/', e.g. 'https://app.example.com'", 'are not origins');
  }
  if (cors.maxAge !== undefined) v.duration('cors.maxAge', cors.maxAge, { min: Duration.seconds(0), max: Duration.days(1), allowed: 'up to 1 day (browsers cap it lower)' });
}

function validateThrottle(v: Validation, name: string, t: ApiThrottle): void {
  const rate = t.rateLimit;
  const burst = t.burstLimit;
  v.check(`${name}.rateLimit`, rate, rate >= 0, '0 or more requests per second');
  v.check(`${name}.burstLimit`, burst, Number.isInteger(burst) && burst >= 0, 'a whole number of 0 or more');
  if (known(rate) && known(burst) && burst < rate) {
    v.fail(`${name}.burstLimit`, burst, 'at least rateLimit: a burst must allow at least one second of the steady rate', `is below rateLimit ${rate}`);
  }
}
