import { Duration } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ContractDocument } from './contract-document';
import { ContractIntegration, IContractImplementation } from './contract-implementation';
import { acknowledgeMethod, acknowledgePreflight, scopeInvokePermissions } from './private/acknowledgements';
import { validateCors, validateEndpoint, validateThrottle } from './private/api-validation';
import { ContainerImplementation } from './private/contract-implementations';
import {
  ContractOperationSpec, contractOperations, jsonMediaType, mockResponse, operationAuthorization, operationKey,
  requestParameters, toModelSchema,
} from './private/openapi';
import { protectRestGateway, restGateway } from './private/rest-gateway';
import { RestGatewayOptions } from './rest-gateway-options';
import { ApiThrottle, RouteAuthorization } from './traced-api-route';
import { described, DOMAIN_NAME, known, Validation } from '../private/validation';
import { validateWafSettings } from '../waf/private/waf-settings';
import { RegionalWebAcl } from '../waf/regional-web-acl';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** Properties of a `ContractApi`. */
export interface ContractApiProps extends RestGatewayOptions {
  /** The OpenAPI 3 contract: `ContractDocument.fromFile('openapi.yaml')` or `ContractDocument.fromObject(doc)`. */
  readonly document: ContractDocument;
  /**
   * What answers each operation, by `operationId` (or by `METHOD /path` as the contract writes
   * it): `ContractImplementation.fromFunction(fn)`, `ContractImplementation.fromContainerService(service, options)`.
   * Operations without one are answered by a mock integration with the contract's example.
   *
   * @default - every operation is answered from the contract's examples
   */
  readonly implementations?: { [operationId: string]: IContractImplementation };
  /**
   * The API name.
   *
   * @default - the document's `info.title`, else the construct id
   */
  readonly serviceName?: string;
  /**
   * Authorization of operations the contract gives no security (neither their own nor the document's).
   *
   * @default - COGNITO when `userPool` is given, IAM otherwise
   */
  readonly defaultAuthorization?: RouteAuthorization;
  /**
   * The Cognito user pool whose tokens the contract's OAuth2, OpenID Connect, bearer and
   * `cognito_user_pools` schemes stand for.
   *
   * @default - none; required when an operation uses such a scheme
   */
  readonly userPool?: cognito.IUserPool;
  /**
   * Throttles of single operations, by `operationId`, overriding the stage's.
   *
   * @default - the stage throttle for every operation
   */
  readonly operationThrottles?: { [operationId: string]: ApiThrottle };
}

const DEFAULT_THROTTLE: ApiThrottle = { rateLimit: 1000, burstLimit: 2000 };
const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;
const ROUTE_KEY = /^[A-Z]+ \//;
const MOCK_CERTIFICATE_REASON = 'Client certificates authenticate API Gateway to HTTP backends; every operation is answered by API Gateway itself (mock integrations built from the contract\'s examples), so there is no backend to authenticate to.';

/** One operation as the API serves it, after validation. */
interface PlannedOperation {
  readonly spec: ContractOperationSpec;
  readonly operationId: string;
  readonly implementation?: IContractImplementation;
  readonly authorization: RouteAuthorization;
  readonly scopes: string[];
  readonly model?: { contentType: string; schema: apigateway.JsonSchema };
}

/**
 * An API Gateway REST API built from an OpenAPI 3 contract: every operation's request validated
 * by the contract (a model of its JSON body, its required query, path and header parameters)
 * before anything runs, each operation answered by its implementation (a Lambda function, or a
 * `ContainerService` through a VPC link) bound by `operationId`, and every other operation by a
 * mock integration answering the contract's example, so a front end can start against the
 * deployed contract on day one. The `TracedApi` defaults carry over: X-Ray, JSON access logs
 * (encrypted, retained), stage and per-operation throttles, JSON gateway errors, a regional WAF,
 * Cognito or IAM per operation from the contract's security schemes, an optional PRIVATE endpoint.
 *
 * Refused at synth: operations without `operationId`, an implementation of an operation (or a
 * `METHOD /path`) the contract lacks, schemas API Gateway cannot validate, security it cannot check.
 * Check what handlers answer against the same contract in tests with `contractTester` from
 * `@cdk-rampart/lambda-kit/contract`.
 *
 * @exampleMetadata fixture=construct
 * @example
 * import { ContractApi, ContractDocument, ContractImplementation } from 'cdk-rampart';
 *
 * new ContractApi(this, 'Passes', {
 *   document: ContractDocument.fromFile('openapi.yaml'),
 *   implementations: { createPass: ContractImplementation.fromFunction(fn) },
 * });
 */
export class ContractApi extends Construct {
  /** The REST API. */
  public readonly api: apigateway.RestApi;
  /** The deployed stage. */
  public readonly stage: apigateway.Stage;
  /** The stage URL. */
  public readonly url: string;
  /** The contract. */
  public readonly document: ContractDocument;
  /** The API Gateway method of each operation, by `operationId`. */
  public readonly methods: { [operationId: string]: apigateway.Method };
  /** The request body model of each operation with a JSON body schema, by `operationId`. */
  public readonly requestModels: { [operationId: string]: apigateway.Model };
  /** The operations answered by their implementation. */
  public readonly implementedOperations: string[];
  /** The operations answered by a mock integration from the contract's examples. */
  public readonly mockedOperations: string[];
  /** The access log group. */
  public readonly accessLogGroup: logs.LogGroup;
  /** The key encrypting the logs. */
  public readonly encryptionKey: kms.IKey;
  /** The request validator every method uses (body and parameters). */
  public readonly requestValidator: apigateway.RequestValidator;
  /** The Cognito authorizer, when an operation uses a Cognito scheme. */
  public readonly authorizer?: apigateway.CognitoUserPoolsAuthorizer;
  /** The WAF WebACL in front of the stage, unless `wafEnabled` is false. */
  public readonly webAcl?: RegionalWebAcl;
  /** How the API is reached (REGIONAL or PRIVATE). */
  public readonly endpointType: apigateway.EndpointType;
  /** The interface VPC endpoint a PRIVATE API is reached through. */
  public readonly vpcEndpoint?: ec2.IInterfaceVpcEndpoint;

  constructor(scope: Construct, id: string, props: ContractApiProps) {
    super(scope, id);

    const doc = props.document?.document ?? {};
    const serviceName = props.serviceName ?? (typeof doc.info?.title === 'string' && doc.info.title.trim() ? doc.info.title.trim() : id);
    const stageName = props.stageName ?? 'v1';
    const defaultAuthorization = props.defaultAuthorization ?? (props.userPool ? RouteAuthorization.COGNITO : RouteAuthorization.IAM);
    const throttle = props.throttle ?? DEFAULT_THROTTLE;
    const executionLogLevel = props.executionLogLevel ?? apigateway.MethodLoggingLevel.OFF;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const wafEnabled = props.wafEnabled ?? true;
    const endpointType = props.endpointType ?? apigateway.EndpointType.REGIONAL;
    const implementations = props.implementations ?? {};
    const operationThrottles = props.operationThrottles ?? {};

    const planned = this.validate(props, doc, {
      stageName, defaultAuthorization, throttle, wafEnabled, endpointType, implementations, operationThrottles,
    });
    this.document = props.document;
    this.endpointType = endpointType;

    const methodOptions: { [path: string]: apigateway.MethodDeploymentOptions } = {};
    for (const op of planned) {
      const t = operationThrottles[op.operationId];
      if (t) methodOptions[`${op.spec.path === '/' ? '' : op.spec.path}/${op.spec.method}`] = { throttlingRateLimit: t.rateLimit, throttlingBurstLimit: t.burstLimit };
    }
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
      methodOptions,
      keyDescription: `Encrypts the access logs of ${this.node.path}`,
    });
    this.api = gateway.api;
    this.stage = gateway.stage;
    this.url = this.api.url;
    this.accessLogGroup = gateway.accessLogGroup;
    this.encryptionKey = gateway.encryptionKey;
    this.requestValidator = gateway.requestValidator;
    this.vpcEndpoint = gateway.vpcEndpoint;

    if (planned.some((op) => op.authorization === RouteAuthorization.COGNITO)) {
      this.authorizer = new apigateway.CognitoUserPoolsAuthorizer(this, 'Authorizer', {
        cognitoUserPools: [props.userPool!],
        resultsCacheTtl: Duration.minutes(5),
      });
    }

    this.methods = {};
    this.requestModels = {};
    this.implementedOperations = [];
    this.mockedOperations = [];
    const certificateReasons = new Set<string>();
    planned.forEach((op, index) => {
      const key = operationKey(op.spec);
      const model = op.model
        ? this.api.addModel(`Model${index}`, {
          contentType: op.model.contentType,
          description: `Request body of ${op.operationId} (${key})`,
          schema: { schema: apigateway.JsonSchemaVersion.DRAFT4, title: `${op.operationId}Request`, ...op.model.schema },
        })
        : undefined;
      let bound: ContractIntegration | undefined;
      let mock: { integration: apigateway.Integration; methodResponses: apigateway.MethodResponse[] } | undefined;
      if (op.implementation) {
        bound = op.implementation.bind(this, {
          operationId: op.operationId,
          method: op.spec.method,
          path: op.spec.path,
          pathParameters: [...op.spec.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]),
        });
        if (bound.clientCertificateReason) certificateReasons.add(bound.clientCertificateReason);
        this.implementedOperations.push(op.operationId);
      } else {
        mock = this.mockIntegration(doc, op, props.cors);
        this.mockedOperations.push(op.operationId);
      }
      const method = this.api.root.resourceForPath(op.spec.path).addMethod(op.spec.method, bound?.integration ?? mock!.integration, {
        operationName: op.operationId,
        requestValidator: this.requestValidator,
        requestModels: model ? { [op.model!.contentType]: model } : undefined,
        requestParameters: requestParameters(op.spec),
        methodResponses: mock?.methodResponses,
        ...this.authorizationOptions(op),
      });
      if (bound?.integrationTarget) {
        (method.node.defaultChild as apigateway.CfnMethod).addPropertyOverride('Integration.IntegrationTarget', bound.integrationTarget);
      }
      this.methods[op.operationId] = method;
      if (model) this.requestModels[op.operationId] = model;
      acknowledgeMethod(method, op.authorization, `${op.operationId} (${key})`, false);
      scopeInvokePermissions(method, `${op.operationId} (${key})`);
    });
    if (props.cors) acknowledgePreflight(this.api);

    this.webAcl = protectRestGateway(this, gateway, {
      wafEnabled,
      waf: props.waf,
      executionLogLevel,
      clientCertificateReason: certificateReasons.size > 0 ? [...certificateReasons].sort((a, b) => b.length - a.length)[0] : MOCK_CERTIFICATE_REASON,
    });
  }

  private authorizationOptions(op: PlannedOperation): apigateway.MethodOptions {
    switch (op.authorization) {
      case RouteAuthorization.IAM:
        return { authorizationType: apigateway.AuthorizationType.IAM };
      case RouteAuthorization.COGNITO:
        return {
          authorizationType: apigateway.AuthorizationType.COGNITO,
          authorizer: this.authorizer,
          authorizationScopes: op.scopes.length > 0 ? op.scopes : undefined,
        };
      default:
        return { authorizationType: apigateway.AuthorizationType.NONE };
    }
  }

  /** A mock integration answering the operation's first success status with the contract's example. */
  private mockIntegration(doc: any, op: PlannedOperation, cors: apigateway.CorsOptions | undefined) {
    const answer = mockResponse(doc, op.spec);
    const origins = cors?.allowOrigins;
    const headers = cors ? { 'method.response.header.Access-Control-Allow-Origin': `'${origins!.length === 1 ? origins![0] : '*'}'` } : undefined;
    const integration = new apigateway.MockIntegration({
      // Requests of another content type than the contract's are refused (415), not answered.
      passthroughBehavior: apigateway.PassthroughBehavior.NEVER,
      requestTemplates: { 'application/json': JSON.stringify({ statusCode: Number(answer.statusCode) }) },
      integrationResponses: [{
        statusCode: answer.statusCode,
        responseTemplates: answer.body === undefined ? undefined : { 'application/json': mappingTemplate(answer.body) },
        responseParameters: headers,
      }],
    });
    const methodResponses: apigateway.MethodResponse[] = [{
      statusCode: answer.statusCode,
      responseParameters: headers ? { 'method.response.header.Access-Control-Allow-Origin': true } : undefined,
    }];
    return { integration, methodResponses };
  }

  private validate(props: ContractApiProps, doc: any, r: {
    stageName: string;
    defaultAuthorization: RouteAuthorization;
    throttle: ApiThrottle;
    wafEnabled: boolean;
    endpointType: apigateway.EndpointType;
    implementations: { [k: string]: IContractImplementation };
    operationThrottles: { [k: string]: ApiThrottle };
  }): PlannedOperation[] {
    const v = new Validation('ContractApi', this);
    if (!props.document) v.fail('document', undefined, 'ContractDocument.fromFile(path) or ContractDocument.fromObject(document)');
    const where = props.document?.file ? `document (${props.document.file})` : 'document';
    const specs = contractOperations(doc, v, where);
    v.matches('stageName', r.stageName, STAGE_NAME, '1-128 of A-Z a-z 0-9 _ -');
    validateThrottle(v, 'throttle', r.throttle);
    validateWafSettings(v, props.waf, r.wafEnabled);
    validateCors(v, props.cors);
    validateEndpoint(v, props, r.endpointType);
    if (props.vpcSubnets && !props.vpc) v.fail('vpcSubnets', props.vpcSubnets, 'vpcSubnets together with vpc', 'given without vpc');

    const byId = new Map<string, ContractOperationSpec>();
    for (const spec of specs) {
      const id = spec.operationId;
      if (typeof id !== 'string' || id.trim() === '') {
        v.fail(`${where}.${spec.at}.operationId`, id, 'an operationId on every operation: implementations, throttles and the contract tests name operations by it');
      } else if (byId.has(id)) {
        v.fail(`${where}.${spec.at}.operationId`, id, 'operationIds unique in the contract', `is also ${operationKey(byId.get(id)!)}`);
      } else {
        byId.set(id, spec);
      }
    }
    const byKey = new Map(specs.map((s) => [operationKey(s), s]));
    const implemented = new Map<string, IContractImplementation>();
    for (const [name, implementation] of Object.entries(r.implementations)) {
      const prop = `implementations['${name}']`;
      let spec: ContractOperationSpec | undefined;
      if (ROUTE_KEY.test(name)) {
        spec = byKey.get(name);
        if (!spec) {
          const path = name.slice(name.indexOf(' ') + 1);
          const methods = specs.filter((s) => s.path === path).map((s) => s.method);
          v.fail(prop, described(`'${name}'`), `a METHOD /path of the contract: ${[...byKey.keys()].join(', ')}`,
            methods.length > 0 ? `is not in the contract (the path has ${methods.join(', ')} only)` : 'is a path the contract lacks');
          continue;
        }
      } else {
        spec = byId.get(name);
        if (!spec) {
          v.fail(prop, described(`'${name}'`), `an operationId of the contract: ${[...byId.keys()].join(', ')}`, 'is not an operation of the contract');
          continue;
        }
      }
      const id = spec.operationId;
      if (typeof id === 'string' && implemented.has(id)) {
        v.fail(prop, described(`'${name}'`), 'one implementation per operation', `implements ${id} (${operationKey(spec)}) a second time`);
        continue;
      }
      if (typeof id === 'string') implemented.set(id, implementation);
      if (implementation instanceof ContainerImplementation) {
        if (implementation.internetFacing) {
          v.fail(prop, described(`the ContainerService '${implementation.service.node.path}' with an internet-facing load balancer`),
            'a ContainerService with exposure INTERNAL: callers would reach it around the contract\'s validation, throttles and authorization');
        }
        v.matches(`${prop}.hostName`, implementation.options.hostName, DOMAIN_NAME, "the DNS name on the load balancer's certificate, e.g. 'passes.internal.example.com'");
        v.duration(`${prop}.timeout`, implementation.options.timeout, { min: Duration.millis(50), max: Duration.seconds(29), allowed: "50 ms to 29 seconds, API Gateway's integration timeout" });
      }
    }
    for (const [name, t] of Object.entries(r.operationThrottles)) {
      if (!byId.has(name)) v.fail(`operationThrottles['${name}']`, described(`'${name}'`), `an operationId of the contract: ${[...byId.keys()].join(', ')}`);
      else validateThrottle(v, `operationThrottles['${name}']`, t);
    }

    const planned: PlannedOperation[] = [];
    const needsPool: string[] = [];
    for (const spec of specs) {
      const operationId = spec.operationId;
      if (spec.method === 'OPTIONS' && props.cors) {
        v.fail(`${where}.${spec.at}`, described('an OPTIONS operation'), 'either an OPTIONS operation in the contract or the cors prop (its preflights)', 'given with cors');
      }
      const auth = operationAuthorization(doc, spec, r.defaultAuthorization, v, where);
      if (auth.authorization === RouteAuthorization.COGNITO && !props.userPool) needsPool.push(operationId ?? operationKey(spec));
      const body = spec.operation.requestBody;
      let model: PlannedOperation['model'];
      if (body) {
        const resolved = body.$ref ? undefined : body;
        const content = (resolved ?? refBody(doc, body))?.content;
        const type = jsonMediaType(content);
        if (type && content[type]?.schema) {
          const at = `${where}.${spec.at}.requestBody.content['${type}'].schema`;
          const schema = toModelSchema(doc, content[type].schema, at, v, true);
          model = { contentType: type, schema };
        }
      }
      if (typeof operationId === 'string' && operationId.trim() !== '') {
        const implementation = implemented.get(operationId);
        planned.push({ spec, operationId, implementation, authorization: auth.authorization, scopes: auth.scopes, model });
      }
    }
    if (needsPool.length > 0) {
      v.fail('userPool', described(`not set, but ${needsPool.join(', ')} ${needsPool.length === 1 ? 'uses' : 'use'} Cognito`),
        "the Cognito user pool whose tokens the contract's OAuth2 / OpenID Connect / bearer schemes stand for (or defaultAuthorization IAM for operations without security)");
    }
    v.throwIfInvalid();
    return planned;
  }
}

function refBody(doc: any, body: any): any {
  const ref: string = body.$ref;
  if (!ref.startsWith('#/')) return undefined;
  return ref.slice(2).split('/').reduce((node: any, key) => node?.[key], doc);
}

/**
 * A JSON body as an API Gateway mapping template (VTL): as it is when it holds no `$` or `#`
 * (readable in the console), else decoded from base64 so no text of the example is read as VTL.
 */
function mappingTemplate(body: unknown): string {
  const json = JSON.stringify(body);
  if (!/[$#]/.test(json) && known(json)) return json;
  return `$util.base64Decode("${Buffer.from(json, 'utf-8').toString('base64')}")`;
}
