import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { ACCESS_LOG_FORMAT } from '../../src/api/private/gateway-responses';
import { protectRestGateway, restGateway, RestGatewaySettings } from '../../src/api/private/rest-gateway';

/* eslint-disable @typescript-eslint/no-explicit-any */

const settings = (extra: Partial<RestGatewaySettings> = {}): RestGatewaySettings => ({
  serviceName: 'passes',
  stageName: 'v1',
  throttle: { rateLimit: 100, burstLimit: 200 },
  executionLogLevel: apigateway.MethodLoggingLevel.OFF,
  logRetention: logs.RetentionDays.ONE_MONTH,
  endpointType: apigateway.EndpointType.REGIONAL,
  keyDescription: 'Encrypts the access logs of S/Api',
  ...extra,
});

function build(extra: Partial<RestGatewaySettings> = {}) {
  const stack = new Stack(new App(), 'S');
  const scope = new Construct(stack, 'Passes');
  const gateway = restGateway(scope, settings(extra));
  gateway.api.root.addMethod('GET', new apigateway.MockIntegration());
  return { stack, scope, gateway };
}
const only = (template: Template, type: string): any => {
  const found = Object.values<any>(template.findResources(type));
  expect(found).toHaveLength(1);
  return found[0].Properties;
};
const acknowledged = (c: IConstruct): string => JSON.stringify(c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules'));

describe('restGateway', () => {
  test('the REST API is named by the service, described by its path, REGIONAL, with no account role and no policy', () => {
    const { stack, gateway } = build();
    const template = Template.fromStack(stack);
    expect(only(template, 'AWS::ApiGateway::RestApi')).toEqual({
      Name: 'passes',
      Description: 'passes (S/Passes)',
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    template.resourceCountIs('AWS::IAM::Role', 0);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    expect(gateway.vpcEndpoint).toBeUndefined();
    expect(gateway.stage).toBe(gateway.api.deploymentStage);
  });

  test('construct ids stay the ones TracedApi\'s templates were made with', () => {
    const { scope } = build();
    expect(scope.node.children.map((c) => c.node.id).sort()).toEqual(['AccessLogs', 'Api', 'Key']);
    expect(scope.node.findChild('Api').node.tryFindChild('Validator')).toBeDefined();
  });

  test('the stage: its name, X-Ray, metrics, the throttle, the execution log level, never data tracing, JSON access logs', () => {
    const { stack, gateway } = build({ stageName: 'prod', executionLogLevel: apigateway.MethodLoggingLevel.ERROR });
    const stage = only(Template.fromStack(stack), 'AWS::ApiGateway::Stage');
    expect(stage).toMatchObject({ StageName: 'prod', TracingEnabled: true });
    expect(stage.MethodSettings).toEqual([{
      HttpMethod: '*',
      ResourcePath: '/*',
      DataTraceEnabled: false,
      LoggingLevel: 'ERROR',
      MetricsEnabled: true,
      ThrottlingRateLimit: 100,
      ThrottlingBurstLimit: 200,
    }]);
    expect(stage.AccessLogSetting).toEqual({
      DestinationArn: { 'Fn::GetAtt': [stack.getLogicalId(gateway.accessLogGroup.node.defaultChild as logs.CfnLogGroup), 'Arn'] },
      Format: ACCESS_LOG_FORMAT,
    });
  });

  test('per-method settings (route throttles) join the stage\'s', () => {
    const { stack } = build({ methodOptions: { '/passes/POST': { throttlingRateLimit: 5, throttlingBurstLimit: 10 } } });
    const stage = only(Template.fromStack(stack), 'AWS::ApiGateway::Stage');
    expect(stage.MethodSettings).toEqual([
      expect.objectContaining({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 }),
      { HttpMethod: 'POST', ResourcePath: '/~1passes', DataTraceEnabled: false, ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
    ]);
  });

  test('access logs: retained, with the given retention, encrypted by a new rotating key described as asked', () => {
    const { stack, gateway } = build();
    const template = Template.fromStack(stack);
    const keyId = stack.getLogicalId(gateway.encryptionKey.node.defaultChild as kms.CfnKey);
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 30, KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    expect(only(template, 'AWS::KMS::Key')).toMatchObject({ Description: 'Encrypts the access logs of S/Api', EnableKeyRotation: true });
    // CloudWatch Logs may use the key for this account's log groups.
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } })]) },
    });
  });

  test('a given key is used and none is created', () => {
    const stack = new Stack(new App(), 'S');
    const key = kms.Key.fromKeyArn(stack, 'Given', 'arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d');
    const gateway = restGateway(stack, settings({ encryptionKey: key }));
    gateway.api.root.addMethod('GET', new apigateway.MockIntegration());
    const template = Template.fromStack(stack);
    expect(gateway.encryptionKey).toBe(key);
    template.resourceCountIs('AWS::KMS::Key', 0);
    expect(only(template, 'AWS::Logs::LogGroup').KmsKeyId).toBe(key.keyArn);
  });

  test('one validator of bodies and parameters', () => {
    const { stack, gateway } = build();
    expect(only(Template.fromStack(stack), 'AWS::ApiGateway::RequestValidator')).toMatchObject({
      Name: 'body-and-parameters', ValidateRequestBody: true, ValidateRequestParameters: true,
    });
    expect(gateway.requestValidator).toBeInstanceOf(apigateway.RequestValidator);
  });

  test('JSON gateway errors; with CORS, preflights and CORS headers on them', () => {
    const plain = Template.fromStack(build().stack);
    plain.hasResourceProperties('AWS::ApiGateway::GatewayResponse', { ResponseType: 'BAD_REQUEST_BODY' });
    plain.resourcePropertiesCountIs('AWS::ApiGateway::Method', { HttpMethod: 'OPTIONS' }, 0);
    const cors = Template.fromStack(build({ cors: { allowOrigins: ['https://app.example.com'] } }).stack);
    cors.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'OPTIONS' });
    cors.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'DEFAULT_4XX',
      ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Access-Control-Allow-Origin': "'https://app.example.com'" }),
    });
  });

  test('PRIVATE: an execute-api endpoint in the VPC, the API reached through it only', () => {
    const stack = new Stack(new App(), 'S');
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 2, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const vpcSubnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    const gateway = restGateway(stack, settings({ endpointType: apigateway.EndpointType.PRIVATE, vpc, vpcSubnets }));
    gateway.api.root.addMethod('GET', new apigateway.MockIntegration());
    const template = Template.fromStack(stack);
    expect(gateway.vpcEndpoint).toBeInstanceOf(ec2.InterfaceVpcEndpoint);
    const endpointId = stack.getLogicalId(gateway.vpcEndpoint!.node.defaultChild as ec2.CfnVPCEndpoint);
    const api = only(template, 'AWS::ApiGateway::RestApi');
    expect(api.EndpointConfiguration).toEqual({ Types: ['PRIVATE'], VpcEndpointIds: [{ Ref: endpointId }] });
    expect(JSON.stringify(api.Policy)).toContain(endpointId);
  });

  test('PRIVATE with a given endpoint: that one, nothing created', () => {
    const stack = new Stack(new App(), 'S');
    const given = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'Given', { vpcEndpointId: 'vpce-0123', port: 443 });
    const gateway = restGateway(stack, settings({ endpointType: apigateway.EndpointType.PRIVATE, vpcEndpoint: given }));
    gateway.api.root.addMethod('GET', new apigateway.MockIntegration());
    const template = Template.fromStack(stack);
    expect(gateway.vpcEndpoint).toBe(given);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    expect(only(template, 'AWS::ApiGateway::RestApi').EndpointConfiguration).toEqual({ Types: ['PRIVATE'], VpcEndpointIds: ['vpce-0123'] });
  });

  test('REGIONAL ignores a VPC: no endpoint, no policy', () => {
    const stack = new Stack(new App(), 'S');
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 2, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const gateway = restGateway(stack, settings({ vpc }));
    gateway.api.root.addMethod('GET', new apigateway.MockIntegration());
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    expect(only(template, 'AWS::ApiGateway::RestApi').Policy).toBeUndefined();
  });
});

describe('protectRestGateway', () => {
  test('a WebACL associated with the stage, its logs encrypted by the gateway key', () => {
    const { stack, scope, gateway } = build();
    const webAcl = protectRestGateway(scope, gateway, { wafEnabled: true, executionLogLevel: apigateway.MethodLoggingLevel.OFF });
    expect(webAcl).toBeDefined();
    expect(scope.node.tryFindChild('WebAcl')).toBe(webAcl);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::WAFv2::WebACL', 1);
    const stageId = stack.getLogicalId(gateway.stage.node.defaultChild as apigateway.CfnStage);
    expect(JSON.stringify(only(template, 'AWS::WAFv2::WebACLAssociation').ResourceArn)).toContain(stageId);
    const keyId = stack.getLogicalId(gateway.encryptionKey.node.defaultChild as kms.CfnKey);
    // The access logs and the WAF logs, both under the gateway key.
    template.resourceCountIs('AWS::Logs::LogGroup', 2);
    template.allResourcesProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
  });

  test('the waf props reach the WebACL', () => {
    const { stack, scope, gateway } = build();
    protectRestGateway(scope, gateway, { wafEnabled: true, waf: { rateLimit: 321 }, executionLogLevel: apigateway.MethodLoggingLevel.OFF });
    expect(JSON.stringify(only(Template.fromStack(stack), 'AWS::WAFv2::WebACL').Rules)).toContain('"Limit":321');
  });

  test('wafEnabled false: no WebACL, no association', () => {
    const { stack, scope, gateway } = build();
    expect(protectRestGateway(scope, gateway, { wafEnabled: false, executionLogLevel: apigateway.MethodLoggingLevel.OFF })).toBeUndefined();
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
  });

  test('the stage acknowledges what is off by design, with the given client certificate reason', () => {
    const { scope, gateway } = build();
    protectRestGateway(scope, gateway, {
      wafEnabled: false, executionLogLevel: apigateway.MethodLoggingLevel.OFF, clientCertificateReason: 'Every operation here is answered by a backend that checks its own mutual TLS.',
    });
    const stage = gateway.stage.node.defaultChild as IConstruct;
    expect(acknowledged(stage)).toContain('Every operation here is answered by a backend that checks its own mutual TLS.');
    expect(acknowledged(stage)).toContain('Execution logging is off by default');
  });

  test('with execution logging on, that is not acknowledged', () => {
    const { scope, gateway } = build({ executionLogLevel: apigateway.MethodLoggingLevel.INFO });
    protectRestGateway(scope, gateway, { wafEnabled: false, executionLogLevel: apigateway.MethodLoggingLevel.INFO });
    const stage = gateway.stage.node.defaultChild as IConstruct;
    expect(acknowledged(stage)).not.toContain('Execution logging is off by default');
    expect(acknowledged(stage)).toContain('Client certificates authenticate API Gateway to HTTP backends; every integration here is a Lambda proxy');
  });
});
