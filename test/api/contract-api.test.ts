import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  ContractApi, ContractApiProps, ContractDocument, ContractImplementation, RouteAuthorization, TracedFunction,
} from '../../src/api';
import { ContainerService, ServiceExposure } from '../../src/compute';
import { SecureVpc } from '../../src/network';
import { expectCompliant } from '../support/compliance';

const CONTRACT = path.join(__dirname, 'fixtures', 'contract', 'passes.yaml');
const CERTIFICATE_ARN = 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';
/** A fresh copy of the contract, to change in a test. */
const contract = (): any => JSON.parse(JSON.stringify(ContractDocument.fromFile(CONTRACT).document));
const code = () => lambda.Code.fromAsset(path.join(__dirname, 'fixtures', 'handler'));

/** A user pool that passes the packs (MFA, password policy, threat protection). */
const compliantPool = (stack: Stack) => new cognito.UserPool(stack, 'Users', {
  mfa: cognito.Mfa.REQUIRED,
  mfaSecondFactor: { otp: true, sms: false },
  passwordPolicy: { minLength: 14, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
  featurePlan: cognito.FeaturePlan.PLUS,
  standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
});

function build(props: Partial<ContractApiProps> = {}, withPool = true) {
  const stack = new Stack(new App(), 'Contract');
  const userPool = withPool ? compliantPool(stack) : undefined;
  const fn = new TracedFunction(stack, 'CreatePass', { code: code(), handler: 'index.handler', serviceName: 'passes' });
  const api = new ContractApi(stack, 'Passes', {
    document: ContractDocument.fromFile(CONTRACT),
    userPool,
    implementations: { createPass: ContractImplementation.fromFunction(fn) },
    ...props,
  });
  return { stack, api, fn, template: Template.fromStack(stack) };
}

/** The CloudFormation method of an operation. */
function methodOf(template: Template, stack: Stack, api: ContractApi, operationId: string): any {
  const id = stack.getLogicalId(api.methods[operationId].node.defaultChild as any);
  return template.toJSON().Resources[id].Properties;
}

const decode = (template: string) => {
  const m = /^\$util\.base64Decode\("(.*)"\)$/.exec(template);
  return JSON.parse(m ? Buffer.from(m[1], 'base64').toString('utf-8') : template);
};

describe('ContractApi', () => {
  test('one method per operation, named by its operationId, on the contract paths', () => {
    const { template, api } = build();
    template.resourceCountIs('AWS::ApiGateway::Method', 4);
    for (const [operationId, method] of [['createPass', 'POST'], ['listPasses', 'GET'], ['getPass', 'GET'], ['revokePass', 'DELETE']]) {
      template.hasResourceProperties('AWS::ApiGateway::Method', { OperationName: operationId, HttpMethod: method });
    }
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{passId}' });
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { Name: 'Passes' }); // from info.title
    expect(api.implementedOperations).toEqual(['createPass']);
    expect(api.mockedOperations.sort()).toEqual(['getPass', 'listPasses', 'revokePass']);
  });

  test('the implemented operation is a Lambda proxy whose permission names its method and path only', () => {
    const { template, stack, api, fn } = build();
    const method = methodOf(template, stack, api, 'createPass');
    expect(method.Integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
    expect(JSON.stringify(method.Integration.Uri)).toContain(stack.getLogicalId(fn.function.node.defaultChild as any));
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission'));
    expect(permissions).toHaveLength(1);
    expect(JSON.stringify(permissions[0].Properties.SourceArn)).toContain('/POST/passes');
  });

  test('every method validates body and parameters; the JSON body against a draft 4 model converted from the contract', () => {
    const { template, stack, api } = build();
    template.resourceCountIs('AWS::ApiGateway::RequestValidator', 1);
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true, ValidateRequestParameters: true });
    const validator = stack.getLogicalId(api.requestValidator.node.defaultChild as any);
    template.allResourcesProperties('AWS::ApiGateway::Method', { RequestValidatorId: { Ref: validator } });
    template.resourceCountIs('AWS::ApiGateway::Model', 1);
    const model = Object.values(template.findResources('AWS::ApiGateway::Model'))[0].Properties;
    expect(model.ContentType).toBe('application/json');
    expect(model.Schema).toEqual({
      $schema: 'http://json-schema.org/draft-04/schema#',
      title: 'createPassRequest',
      type: 'object',
      additionalProperties: false,
      required: ['reason', 'travellers', 'from'],
      properties: {
        reason: { type: 'string', enum: ['MEDICAL', 'GROCERIES', 'WORK', 'EMERGENCY'] },
        travellers: { type: 'integer', minimum: 1, maximum: 6 },
        from: { type: 'string', minLength: 1 }, // the example is left out
        vehicle: { type: ['string', 'null'], pattern: '^[A-Z0-9-]{2,10}$' }, // nullable
      },
    });
    const method = methodOf(template, stack, api, 'createPass');
    expect(method.RequestModels).toEqual({ 'application/json': { Ref: stack.getLogicalId(api.requestModels.createPass.node.defaultChild as any) } });
  });

  test('required query, path and header parameters are required by API Gateway; optional ones declared', () => {
    const { template, stack, api } = build();
    expect(methodOf(template, stack, api, 'listPasses').RequestParameters).toEqual({
      'method.request.querystring.status': true,
      'method.request.querystring.cursor': false,
    });
    expect(methodOf(template, stack, api, 'getPass').RequestParameters).toEqual({
      'method.request.path.passId': true,
      'method.request.header.X-Trace-Note': false,
    });
  });

  test('operations without an implementation answer the contract example with its status', () => {
    const { template, stack, api } = build({ implementations: {} });
    const create = methodOf(template, stack, api, 'createPass');
    expect(create.Integration.Type).toBe('MOCK');
    expect(create.Integration.PassthroughBehavior).toBe('NEVER');
    expect(JSON.parse(create.Integration.RequestTemplates['application/json'])).toEqual({ statusCode: 201 });
    expect(create.Integration.IntegrationResponses).toHaveLength(1);
    expect(create.Integration.IntegrationResponses[0].StatusCode).toBe('201');
    expect(decode(create.Integration.IntegrationResponses[0].ResponseTemplates['application/json']))
      .toEqual({ passId: 'p-1', status: 'PENDING', reason: 'MEDICAL', travellers: 1 });
    expect(create.MethodResponses).toEqual([{ StatusCode: '201' }]);

    // The first of `examples`.
    const list = methodOf(template, stack, api, 'listPasses');
    expect(decode(list.Integration.IntegrationResponses[0].ResponseTemplates['application/json']))
      .toEqual({ items: [{ passId: 'p-1', status: 'APPROVED', reason: 'WORK', travellers: 2 }] });
    // No example: one built from the schema (first enum value, typed placeholders).
    const get = methodOf(template, stack, api, 'getPass');
    expect(get.Integration.IntegrationResponses[0].StatusCode).toBe('200');
    expect(decode(get.Integration.IntegrationResponses[0].ResponseTemplates['application/json']))
      .toEqual({ passId: 'string', status: 'PENDING', reason: 'string', travellers: 0 });
    // No content: the status alone.
    const revoke = methodOf(template, stack, api, 'revokePass');
    expect(revoke.Integration.IntegrationResponses).toEqual([{ StatusCode: '204' }]);
  });

  test('an example holding $ or # reaches the caller as it is, not read as VTL', () => {
    const doc = contract();
    doc.paths['/passes'].post.responses['201'].content['application/json'].example = { note: '#set($x = 1) ## $context.requestId' };
    const { template, stack, api } = build({ document: ContractDocument.fromObject(doc), implementations: {} });
    const body = methodOf(template, stack, api, 'createPass').Integration.IntegrationResponses[0].ResponseTemplates['application/json'];
    expect(body).toMatch(/^\$util\.base64Decode\("[A-Za-z0-9+/=]+"\)$/);
    expect(decode(body)).toEqual({ note: '#set($x = 1) ## $context.requestId' });
  });

  test('security per operation from the contract: OAuth2 as Cognito (with scopes), SigV4 as IAM, [] as public', () => {
    const { template, stack, api } = build();
    const authorizer = stack.getLogicalId(api.authorizer!.node.defaultChild as any);
    expect(methodOf(template, stack, api, 'createPass')).toMatchObject({ AuthorizationType: 'COGNITO_USER_POOLS', AuthorizerId: { Ref: authorizer } });
    expect(methodOf(template, stack, api, 'createPass').AuthorizationScopes).toBeUndefined();
    expect(methodOf(template, stack, api, 'revokePass')).toMatchObject({ AuthorizationType: 'COGNITO_USER_POOLS', AuthorizationScopes: ['passes/revoke'] });
    expect(methodOf(template, stack, api, 'getPass').AuthorizationType).toBe('AWS_IAM');
    expect(methodOf(template, stack, api, 'listPasses').AuthorizationType).toBe('NONE');
    template.resourceCountIs('AWS::ApiGateway::Authorizer', 1);
  });

  test('operations the contract gives no security get the default authorization (IAM without a user pool)', () => {
    const doc = contract();
    delete doc.security;
    delete doc.paths['/passes/{passId}'].delete.security;
    const { template, stack, api } = build({ document: ContractDocument.fromObject(doc), implementations: {} }, false);
    expect(methodOf(template, stack, api, 'createPass').AuthorizationType).toBe('AWS_IAM');
    expect(methodOf(template, stack, api, 'revokePass').AuthorizationType).toBe('AWS_IAM');
    expect(api.authorizer).toBeUndefined();
    const cognitoDefault = { document: ContractDocument.fromObject(doc), implementations: {}, defaultAuthorization: RouteAuthorization.COGNITO };
    const { template: t2, stack: s2, api: a2 } = build(cognitoDefault);
    expect(methodOf(t2, s2, a2, 'createPass').AuthorizationType).toBe('COGNITO_USER_POOLS');
  });

  test('the TracedApi defaults: X-Ray, JSON access logs, stage and operation throttles, WAF, JSON gateway errors', () => {
    const { template } = build({ operationThrottles: { createPass: { rateLimit: 50, burstLimit: 100 } } });
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0].Properties;
    expect(stage).toMatchObject({ TracingEnabled: true, StageName: 'v1' });
    expect(JSON.parse(stage.AccessLogSetting.Format)).toMatchObject({ requestId: '$context.requestId', validationError: '$context.error.validationErrorString' });
    expect(stage.MethodSettings).toContainEqual(expect.objectContaining({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000, DataTraceEnabled: false }));
    expect(stage.MethodSettings).toContainEqual(expect.objectContaining({ HttpMethod: 'POST', ResourcePath: '/~1passes', ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 }));
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: Match.anyValue() });
    template.resourceCountIs('AWS::WAFv2::WebACL', 1);
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', { ResponseType: 'BAD_REQUEST_BODY' });
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
  });

  test('the contract can come from a JSON file or an object as well as YAML', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contract-'));
    const file = path.join(dir, 'passes.json');
    fs.writeFileSync(file, JSON.stringify(contract()));
    expect(ContractDocument.fromFile(file).document).toEqual(ContractDocument.fromFile(CONTRACT).document);
    expect(ContractDocument.fromFile(file).file).toBe(file);
    expect(() => ContractDocument.fromFile(path.join(dir, 'missing.yaml'))).toThrow(/file: '.*missing\.yaml' cannot be read \(ENOENT\)/);
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"openapi": ');
    expect(() => ContractDocument.fromFile(path.join(dir, 'bad.json'))).toThrow(/file: '.*bad\.json' does not parse/);
  });

  test('a ContainerService answers through a VPC link V2 to its load balancer over HTTPS, from the link security group only', () => {
    const stack = new Stack(new App(), 'Contract');
    const network = new SecureVpc(stack, 'Network', { interfaceEndpoints: SecureVpc.CONTAINER_ENDPOINTS });
    const service = new ContainerService(stack, 'Svc', {
      vpc: network.vpc,
      certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN),
      healthCheckPath: '/health',
      exposure: ServiceExposure.INTERNAL,
      image: ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'Repo', 'passes'), 'v1'),
    });
    const impl = ContractImplementation.fromContainerService(service, { hostName: 'passes.internal.example.com' });
    const api = new ContractApi(stack, 'Passes', {
      document: ContractDocument.fromFile(CONTRACT),
      userPool: compliantPool(stack),
      implementations: { 'getPass': impl, 'DELETE /passes/{passId}': impl },
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::ApiGatewayV2::VpcLink', 1);
    const link = Object.keys(template.findResources('AWS::ApiGatewayV2::VpcLink'))[0];
    const get = methodOf(template, stack, api, 'getPass');
    expect(get.Integration).toMatchObject({
      Type: 'HTTP_PROXY',
      IntegrationHttpMethod: 'GET',
      Uri: 'https://passes.internal.example.com/passes/{passId}',
      ConnectionType: 'VPC_LINK',
      ConnectionId: { Ref: link },
      IntegrationTarget: { Ref: stack.getLogicalId(service.loadBalancer.node.defaultChild as any) },
      RequestParameters: { 'integration.request.path.passId': 'method.request.path.passId' },
      TimeoutInMillis: 29000,
    });
    expect(methodOf(template, stack, api, 'revokePass').Integration.Type).toBe('HTTP_PROXY');
    const linkGroup = template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('VPC link of') } });
    expect(Object.keys(linkGroup)).toHaveLength(1);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourceSecurityGroupId: { 'Fn::GetAtt': [Object.keys(linkGroup)[0], 'GroupId'] },
    });
    expect(api.implementedOperations.sort()).toEqual(['getPass', 'revokePass']);
    const report = expectCompliant(stack);
    const certificate = report.acknowledgements.filter((a) => /client certificate/i.test(a.reason));
    expect(certificate.length).toBeGreaterThan(0);
    expect(certificate.every((a) => /through the VPC link/.test(a.reason))).toBe(true);
  });

  describe('refuses at synth', () => {
    const refuse = (props: Partial<ContractApiProps>, withPool = true) => () => build(props, withPool);
    const withDoc = (change: (doc: any) => void): Partial<ContractApiProps> => {
      const doc = contract();
      change(doc);
      return { document: ContractDocument.fromObject(doc) };
    };

    test('an operation without operationId, naming where it is', () => {
      expect(refuse(withDoc((d) => delete d.paths['/passes/{passId}'].get.operationId)))
        .toThrow(/document\.paths\['\/passes\/\{passId\}'\]\.get\.operationId: not set; allowed: an operationId on every operation/);
    });

    test('an operationId used twice', () => {
      expect(refuse(withDoc((d) => { d.paths['/passes'].get.operationId = 'createPass'; })))
        .toThrow(/operationId: 'createPass' is also GET \/passes; allowed: operationIds unique/);
    });

    test('an implementation of an operation the contract lacks', () => {
      const fn = lambda.Function.fromFunctionArn(new Stack(), 'F', 'arn:aws:lambda:eu-west-1:123456789012:function:f');
      expect(refuse({ implementations: { approvePass: ContractImplementation.fromFunction(fn) } }))
        .toThrow(/implementations\['approvePass'\]: 'approvePass' is not an operation of the contract; allowed: an operationId of the contract: listPasses, createPass, getPass, revokePass/);
    });

    test('a path (METHOD /path) in the implementation map that the contract lacks', () => {
      const fn = lambda.Function.fromFunctionArn(new Stack(), 'F', 'arn:aws:lambda:eu-west-1:123456789012:function:f');
      const impl = ContractImplementation.fromFunction(fn);
      expect(refuse({ implementations: { 'GET /passes/{passId}/qr': impl } })).toThrow(/implementations\['GET \/passes\/\{passId\}\/qr'\]: .* is a path the contract lacks/);
      expect(refuse({ implementations: { 'PUT /passes': impl } })).toThrow(/is not in the contract \(the path has GET, POST only\)/);
      expect(refuse({ implementations: { 'POST /passes': impl, 'createPass': impl } })).toThrow(/implements createPass \(POST \/passes\) a second time/);
    });

    test('a schema keyword API Gateway cannot validate, naming the keyword and where it is', () => {
      expect(refuse(withDoc((d) => { d.components.schemas.NewPass.properties.from.if = { minLength: 2 }; })))
        .toThrow(/requestBody\.content\['application\/json'\]\.schema\.\$ref\.properties\.from\.if: the keyword if; allowed: JSON Schema draft 4 keywords/);
      expect(refuse(withDoc((d) => { d.components.schemas.NewPass.properties.self = { $ref: '#/components/schemas/NewPass' }; })))
        .toThrow(/\$ref: '#\/components\/schemas\/NewPass' is recursive/);
      expect(refuse(withDoc((d) => { d.components.schemas.NewPass.properties.from = { $ref: '#/components/schemas/Missing' }; })))
        .toThrow(/names nothing in the document/);
    });

    test('a Cognito scheme without userPool, an unknown or unsupported scheme', () => {
      expect(refuse({}, false)).toThrow(/userPool: not set, but createPass, revokePass use Cognito; allowed: the Cognito user pool/);
      expect(refuse(withDoc((d) => { d.paths['/passes'].post.security = [{ nobody: [] }]; }))).toThrow(/post\.security: 'nobody' is not declared/);
      expect(refuse(withDoc((d) => { d.components.securitySchemes.police = { type: 'http', scheme: 'basic' }; })))
        .toThrow(/components\.securitySchemes\.police: type "http" scheme basic; allowed: an OAuth2 or OpenID Connect scheme/);
    });

    test('a document that is not OpenAPI 3, a TRACE operation, an OPTIONS operation with cors', () => {
      expect(refuse(withDoc((d) => { d.openapi = '2.0'; }))).toThrow(/document\.openapi: '2\.0'; allowed: an OpenAPI 3\.0 or 3\.1 version/);
      expect(refuse({ document: ContractDocument.fromObject({ openapi: '3.0.3', paths: {} }) })).toThrow(/document\.paths: \{\}; allowed: at least one path/);
      expect(refuse(withDoc((d) => { d.paths['/passes'].trace = { operationId: 't', responses: {} }; }))).toThrow(/\.trace: a TRACE operation/);
      expect(refuse({ ...withDoc((d) => { d.paths['/passes'].options = { operationId: 'o', responses: {} }; }), cors: { allowOrigins: ['https://app.example.com'] } }))
        .toThrow(/\.options: an OPTIONS operation given with cors/);
    });

    test('the file the problems are in is named', () => {
      expect(refuse({ stageName: 'bad stage' })).toThrow(/stageName: 'bad stage'/);
      const doc = contract();
      delete doc.paths['/passes'].get.operationId;
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contract-'));
      fs.writeFileSync(path.join(dir, 'c.json'), JSON.stringify(doc));
      expect(refuse({ document: ContractDocument.fromFile(path.join(dir, 'c.json')) })).toThrow(/document \(.*c\.json\)\.paths\['\/passes'\]\.get\.operationId/);
    });

    test('an operation throttle of an unknown operation; an internet-facing ContainerService', () => {
      expect(refuse({ operationThrottles: { nope: { rateLimit: 1, burstLimit: 1 } } })).toThrow(/operationThrottles\['nope'\]/);
      const stack = new Stack(new App(), 'Contract');
      const network = new SecureVpc(stack, 'Network', { publicSubnets: true });
      const service = new ContainerService(stack, 'Svc', {
        vpc: network.vpc,
        certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN),
        healthCheckPath: '/health',
        image: ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'Repo', 'passes'), 'v1'),
      });
      expect(() => new ContractApi(stack, 'Passes', {
        document: ContractDocument.fromFile(CONTRACT),
        userPool: new cognito.UserPool(stack, 'Users'),
        implementations: { getPass: ContractImplementation.fromContainerService(service, { hostName: 'not a name' }) },
      })).toThrow(/implementations\['getPass'\]: the ContainerService 'Contract\/Svc' with an internet-facing load balancer[\s\S]*implementations\['getPass'\]\.hostName: 'not a name'/);
    });
  });

  test('with default props, every compliance pack passes', () => {
    const { stack } = build();
    const report = expectCompliant(stack);
    const acknowledged = new Set(report.acknowledgements.map((a) => a.ruleId));
    expect(acknowledged).toContain('AwsSolutions-APIG4'); // listPasses is public in the contract
    expect(report.acknowledgements.every((a) => a.reason.length > 40)).toBe(true);
  });
});
