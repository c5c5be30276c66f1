import { Duration } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledgeMethod, acknowledgePreflight, scopeInvokePermissions } from './private/acknowledgements';
import { validateTracedApiProps } from './private/api-validation';
import { LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY } from './private/function-defaults';
import { groupAuthorizerFunction } from './private/group-authorizer';
import { protectRestGateway, restGateway } from './private/rest-gateway';
import { authorizationOptions, concreteFunction, routeKey, routeThrottles } from './private/routes';
import { usagePlans } from './private/usage-plans';
import { RestGatewayOptions } from './rest-gateway-options';
import { ApiThrottle, HttpMethod, RouteAuthorization, TracedApiRoute, TracedApiUsagePlan } from './traced-api-route';
import { TracedFunction } from './traced-function';
import { IConfigEntry } from '../config/config-entry';
import { described, Validation } from '../private/validation';
import { RegionalWebAcl } from '../waf/regional-web-acl';

/** Properties of a `TracedApi`. */
export interface TracedApiProps extends RestGatewayOptions {
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
   * The account's Lambda concurrency quota in this region, to check reservations against.
   *
   * @default 1000
   */
  readonly accountConcurrency?: number;
}

const DEFAULT_THROTTLE: ApiThrottle = { rateLimit: 1000, burstLimit: 2000 };

/**
 * An API Gateway REST API (REST because HTTP APIs have no X-Ray) whose routes are Lambda functions,
 * declared as data.
 *
 * X-Ray on the stage and every function, JSON access logs to an encrypted log group with retention,
 * stage and per-route throttling, JSON-schema request validation before Lambda runs, JSON gateway
 * errors (with CORS headers when CORS is on), IAM / Cognito / explicit-none authorization per route,
 * a regional WAF WebACL, and functions with the `TracedFunction` defaults. Optionally PRIVATE (reached
 * only through an interface VPC endpoint), with usage plans and API keys per named consumer.
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
    return routeKey(method, path);
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
  /** The API keys of the usage plans, by name (`apiKeyNames` and consumer names). */
  public readonly apiKeys: { [name: string]: apigateway.IApiKey };
  /** The secret holding each consumer's API key value, by consumer name. */
  public readonly apiKeySecrets: { [name: string]: secretsmanager.ISecret };
  /** The usage plan of each consumer with its own quota or throttle, by consumer name. */
  public readonly consumerUsagePlans: { [name: string]: apigateway.UsagePlan };
  /** How the API is reached (REGIONAL or PRIVATE). */
  public readonly endpointType: apigateway.EndpointType;
  /** The interface VPC endpoint a PRIVATE API is reached through. */
  public readonly vpcEndpoint?: ec2.IInterfaceVpcEndpoint;

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
    const endpointType = props.endpointType ?? apigateway.EndpointType.REGIONAL;

    validateTracedApiProps(this, props, { stageName, defaultAuthorization, throttle, wafEnabled, accountConcurrency, endpointType });
    this.endpointType = endpointType;
    const gateway = restGateway(this, {
      serviceName,
      stageName,
      throttle,
      executionLogLevel,
      logRetention,
      endpointType,
      encryptionKey: props.encryptionKey,
      cors: props.cors,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      vpcEndpoint: props.vpcEndpoint,
      methodOptions: routeThrottles(props.routes),
      keyDescription: `Encrypts the logs and function environments of ${this.node.path}`,
    });
    this.vpcEndpoint = gateway.vpcEndpoint;
    this.encryptionKey = gateway.encryptionKey;
    this.accessLogGroup = gateway.accessLogGroup;
    this.api = gateway.api;
    this.stage = gateway.stage;
    this.url = this.api.url;
    this.requestValidator = gateway.requestValidator;

    const cognitoRoutes = props.routes.filter((r) => (r.authorization ?? defaultAuthorization) === RouteAuthorization.COGNITO);
    const groupRoutes = cognitoRoutes.filter((r) => (r.requiredGroups?.length ?? 0) > 0);
    if (cognitoRoutes.length > groupRoutes.length && props.userPool) {
      this.authorizer = new apigateway.CognitoUserPoolsAuthorizer(this, 'Authorizer', {
        cognitoUserPools: [props.userPool],
        resultsCacheTtl: Duration.minutes(5),
      });
    }
    if (groupRoutes.length > 0 && props.userPool) {
      const settings = { serviceName, accountConcurrency, encryptionKey: this.encryptionKey };
      this.groupAuthorizerFunction = groupAuthorizerFunction(this, groupRoutes, props, settings);
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
        ...authorizationOptions(authorization, route, { cognito: this.authorizer, groups: this.groupAuthorizer }),
      });
      this.functions[key] = fn;
      this.methods[key] = method;
      acknowledgeMethod(method, authorization, key, (route.requiredGroups?.length ?? 0) > 0);
      scopeInvokePermissions(method, key);
    });
    if (this.groupAuthorizer) scopeInvokePermissions(this.groupAuthorizerFunction!, 'group authorizer');
    if (props.cors) acknowledgePreflight(this.api);

    this.apiKeys = {};
    this.apiKeySecrets = {};
    this.consumerUsagePlans = {};
    if (props.usagePlan) {
      const plans = usagePlans(this, this.api, this.stage, props.usagePlan, { serviceName, stageName, encryptionKey: this.encryptionKey });
      this.usagePlan = plans.plan;
      this.apiKeys = plans.apiKeys;
      this.apiKeySecrets = plans.apiKeySecrets;
      this.consumerUsagePlans = plans.consumerPlans;
    }

    this.webAcl = protectRestGateway(this, gateway, { wafEnabled, waf: props.waf, executionLogLevel });
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
      // A TracedFunction answers through its function, as the functions TracedApi creates do.
      fn = concreteFunction(route.existingFunction) ?? route.existingFunction;
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
}
