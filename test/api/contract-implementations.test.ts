import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ContractOperation, TracedFunction } from '../../src/api';
import { ContainerImplementation, FunctionImplementation } from '../../src/api/private/contract-implementations';
import type { ContainerService } from '../../src/compute';

/* eslint-disable @typescript-eslint/no-explicit-any */

const code = () => lambda.Code.fromAsset(path.join(__dirname, 'fixtures', 'handler'));
const operation = (extra: Partial<ContractOperation> = {}): ContractOperation => ({
  operationId: 'getPass', method: 'GET', path: '/passes/{passId}', pathParameters: ['passId'], ...extra,
});

const vpcOf = (stack: Stack, id = 'Vpc', isolatedOnly = false) => new ec2.Vpc(stack, id, {
  natGateways: 0,
  maxAzs: 2,
  subnetConfiguration: isolatedOnly
    ? [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }]
    : [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }, { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }],
});

/** The parts of a ContainerService a binding reads: its cluster's VPC and its load balancer. */
function service(stack: Stack, id: string, vpc: ec2.IVpc, internetFacing = false): ContainerService {
  const svc = new Construct(stack, id) as any;
  svc.cluster = { vpc };
  svc.loadBalancer = new elbv2.ApplicationLoadBalancer(svc, 'LoadBalancer', { vpc, internetFacing });
  return svc as ContainerService;
}

/** The template after the integrations are put on methods of a REST API in `api`. */
function render(stack: Stack, api: apigateway.RestApi, integrations: { [path: string]: apigateway.Integration }) {
  for (const [p, integration] of Object.entries(integrations)) api.root.resourceForPath(p).addMethod('GET', integration);
  return Template.fromStack(stack);
}
const methodAt = (template: Template, pathPart: string): any => {
  const resources = template.toJSON().Resources;
  const resource = Object.keys(resources).find((k) => resources[k].Type === 'AWS::ApiGateway::Resource' && resources[k].Properties.PathPart === pathPart);
  return Object.values<any>(resources).find((r) => r.Type === 'AWS::ApiGateway::Method' && r.Properties.ResourceId?.Ref === resource)!.Properties;
};

describe('FunctionImplementation', () => {
  test('a Lambda proxy integration of the function, without a test-invoke permission', () => {
    const stack = new Stack(new App(), 'S');
    const fn = new lambda.Function(stack, 'Fn', { code: code(), handler: 'index.handler', runtime: lambda.Runtime.NODEJS_22_X });
    const api = new apigateway.RestApi(stack, 'Api', { cloudWatchRole: false });
    const bound = new FunctionImplementation(fn).bind(api, operation());
    expect(bound.integration).toBeInstanceOf(apigateway.LambdaIntegration);
    expect(bound.integrationTarget).toBeUndefined();
    const template = render(stack, api, { '/passes/{passId}': bound.integration });
    expect(methodAt(template, '{passId}').Integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
    const permissions = Object.values<any>(template.findResources('AWS::Lambda::Permission'));
    expect(permissions).toHaveLength(1);
    expect(JSON.stringify(permissions[0].Properties.SourceArn)).not.toContain('test-invoke-stage');
  });

  test('a TracedFunction answers through its function', () => {
    const stack = new Stack(new App(), 'S');
    const traced = new TracedFunction(stack, 'Traced', { code: code(), handler: 'index.handler', serviceName: 'passes' });
    const api = new apigateway.RestApi(stack, 'Api', { cloudWatchRole: false });
    const bound = new FunctionImplementation(traced).bind(api, operation());
    const template = render(stack, api, { '/passes/{passId}': bound.integration });
    const uri = JSON.stringify(methodAt(template, '{passId}').Integration.Uri);
    expect(uri).toContain(stack.getLogicalId(traced.function.node.defaultChild as lambda.CfnFunction));
  });

  test('gives the reason the stage needs no client certificate for Lambda proxies', () => {
    const fn = lambda.Function.fromFunctionArn(new Stack(), 'F', 'arn:aws:lambda:eu-west-1:123456789012:function:f');
    const bound = new FunctionImplementation(fn).bind(new Stack(), operation());
    expect(bound.clientCertificateReason).toMatch(/^Client certificates authenticate API Gateway to HTTP backends; the implemented operations are Lambda proxies/);
  });
});

describe('ContainerImplementation', () => {
  const setup = (isolatedOnly = false) => {
    const stack = new Stack(new App(), 'S');
    const vpc = vpcOf(stack, 'Vpc', isolatedOnly);
    const api = new apigateway.RestApi(stack, 'Api', { cloudWatchRole: false });
    return { stack, vpc, api };
  };

  test('an HTTP proxy over HTTPS to the host name and the contract path, through the VPC link, path parameters passed on', () => {
    const { stack, vpc, api } = setup();
    const svc = service(stack, 'Svc', vpc);
    const bound = new ContainerImplementation(svc, { hostName: 'passes.internal.example.com' })
      .bind(api, operation({ operationId: 'getTraveller', path: '/passes/{passId}/travellers/{n}', pathParameters: ['passId', 'n'] }));
    const template = render(stack, api, { '/passes/{passId}/travellers/{n}': bound.integration });
    const link = Object.keys(template.findResources('AWS::ApiGatewayV2::VpcLink'))[0];
    expect(methodAt(template, '{n}').Integration).toEqual({
      Type: 'HTTP_PROXY',
      IntegrationHttpMethod: 'GET',
      Uri: 'https://passes.internal.example.com/passes/{passId}/travellers/{n}',
      ConnectionType: 'VPC_LINK',
      ConnectionId: { Ref: link },
      RequestParameters: {
        'integration.request.path.passId': 'method.request.path.passId',
        'integration.request.path.n': 'method.request.path.n',
      },
      TimeoutInMillis: 29000,
    });
    expect(bound.integrationTarget).toBe(svc.loadBalancer.loadBalancerArn);
    expect(bound.clientCertificateReason).toMatch(/Container services are called over HTTPS through the VPC link, their load balancer's certificate verified against the host name/);
  });

  test('the method of the operation is the integration\'s; a given timeout is used', () => {
    const { stack, vpc, api } = setup();
    const impl = new ContainerImplementation(service(stack, 'Svc', vpc), { hostName: 'passes.internal.example.com', timeout: Duration.seconds(5) });
    const bound = impl.bind(api, operation({ operationId: 'revokePass', method: 'DELETE' }));
    const template = render(stack, api, { '/passes/{passId}': bound.integration });
    expect(methodAt(template, '{passId}').Integration).toMatchObject({ IntegrationHttpMethod: 'DELETE', TimeoutInMillis: 5000 });
  });

  test('one VPC link per VPC, in the API\'s scope, on the VPC\'s private subnets, with its own security group that sends HTTPS to the load balancers only', () => {
    const { stack, vpc, api } = setup();
    const a = service(stack, 'A', vpc);
    const b = service(stack, 'B', vpc);
    const ia = new ContainerImplementation(a, { hostName: 'a.internal.example.com' });
    const ib = new ContainerImplementation(b, { hostName: 'b.internal.example.com' });
    const integrations = {
      '/a': ia.bind(api, operation({ operationId: 'a', path: '/a', pathParameters: [] })).integration,
      '/a2': ia.bind(api, operation({ operationId: 'a2', path: '/a2', pathParameters: [] })).integration,
      '/b': ib.bind(api, operation({ operationId: 'b', path: '/b', pathParameters: [] })).integration,
    };
    const template = render(stack, api, integrations);
    template.resourceCountIs('AWS::ApiGatewayV2::VpcLink', 1);
    const link = Object.values<any>(template.findResources('AWS::ApiGatewayV2::VpcLink'))[0].Properties;
    expect(link.SubnetIds).toEqual(vpc.privateSubnets.map((s) => ({ Ref: stack.getLogicalId(s.node.defaultChild as ec2.CfnSubnet) })));
    const groups = template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: 'VPC link of S/Api: HTTPS to the load balancers of its container services' } });
    expect(Object.keys(groups)).toHaveLength(1);
    const groupId = Object.keys(groups)[0];
    expect(link.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [groupId, 'GroupId'] }]);
    // Out: HTTPS to the two load balancers, nothing else.
    expect(JSON.stringify(groups[groupId].Properties.SecurityGroupEgress ?? [])).not.toContain('0.0.0.0/0');
    const egress = Object.values<any>(template.findResources('AWS::EC2::SecurityGroupEgress'))
      .filter((r) => JSON.stringify(r.Properties.GroupId) === JSON.stringify({ 'Fn::GetAtt': [groupId, 'GroupId'] }));
    expect(egress.map((r) => [r.Properties.FromPort, r.Properties.ToPort])).toEqual([[443, 443], [443, 443]]);
    // Each service's load balancer admits the link once on 443, however many operations it answers.
    const ingress = Object.values<any>(template.findResources('AWS::EC2::SecurityGroupIngress'))
      .filter((r) => JSON.stringify(r.Properties.SourceSecurityGroupId) === JSON.stringify({ 'Fn::GetAtt': [groupId, 'GroupId'] }));
    expect(ingress).toHaveLength(2);
    for (const r of ingress) expect(r.Properties).toMatchObject({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: 'HTTPS from the VPC link of S/Api' });
  });

  test('a second VPC gets its own link', () => {
    const { stack, vpc, api } = setup();
    const other = vpcOf(stack, 'Other');
    const integrations = {
      '/a': new ContainerImplementation(service(stack, 'A', vpc), { hostName: 'a.internal.example.com' }).bind(api, operation({ path: '/a', pathParameters: [] })).integration,
      '/b': new ContainerImplementation(service(stack, 'B', other), { hostName: 'b.internal.example.com' })
        .bind(api, operation({ operationId: 'b', path: '/b', pathParameters: [] })).integration,
    };
    render(stack, api, integrations).resourceCountIs('AWS::ApiGatewayV2::VpcLink', 2);
  });

  test('a VPC with isolated subnets only: the link is on those', () => {
    const { stack, vpc, api } = setup(true);
    const bound = new ContainerImplementation(service(stack, 'A', vpc), { hostName: 'a.internal.example.com' }).bind(api, operation({ path: '/a', pathParameters: [] }));
    const template = render(stack, api, { '/a': bound.integration });
    const link = Object.values<any>(template.findResources('AWS::ApiGatewayV2::VpcLink'))[0].Properties;
    expect(link.SubnetIds).toEqual(vpc.isolatedSubnets.map((s) => ({ Ref: stack.getLogicalId(s.node.defaultChild as ec2.CfnSubnet) })));
  });

  test('internetFacing follows the load balancer\'s scheme', () => {
    const { stack, vpc } = setup();
    expect(new ContainerImplementation(service(stack, 'Internal', vpc, false), { hostName: 'a.example.com' }).internetFacing).toBe(false);
    expect(new ContainerImplementation(service(stack, 'Public', vpc, true), { hostName: 'a.example.com' }).internetFacing).toBe(true);
  });
});
