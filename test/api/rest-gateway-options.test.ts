import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ContractApi, ContractDocument, HttpMethod, RestGatewayOptions, RouteAuthorization, TracedApi } from '../../src/api';

/* eslint-disable @typescript-eslint/no-explicit-any */

const code = () => lambda.Code.fromAsset(path.join(__dirname, 'fixtures', 'handler'));
const document = ContractDocument.fromObject({
  openapi: '3.0.3',
  info: { title: 'Items', version: '1' },
  security: [],
  paths: { '/items': { get: { operationId: 'listItems', responses: { 200: { description: 'ok' } } } } },
});

/** What the shared options shape in a template, with the construct's own names left out. */
function served(template: Template): any {
  const stage = Object.values<any>(template.findResources('AWS::ApiGateway::Stage'))[0].Properties;
  const api = Object.values<any>(template.findResources('AWS::ApiGateway::RestApi'))[0].Properties;
  const groups = template.findResources('AWS::Logs::LogGroup');
  const shown = (g: any) => ({ retention: g.Properties.RetentionInDays, encrypted: g.Properties.KmsKeyId !== undefined, policy: g.DeletionPolicy });
  // The access logs and the WAF logs; a TracedApi adds one per function it creates (left out).
  const accessLogs = groups[stage.AccessLogSetting.DestinationArn['Fn::GetAtt'][0]];
  const wafLogs = Object.values<any>(groups).filter((g) => JSON.stringify(g.Properties.LogGroupName ?? '').includes('aws-waf-logs-'));
  const gatewayResponses = Object.values<any>(template.findResources('AWS::ApiGateway::GatewayResponse'))
    .map((r) => ({ type: r.Properties.ResponseType, headers: r.Properties.ResponseParameters }));
  const preflights = Object.values<any>(template.findResources('AWS::ApiGateway::Method')).filter((m) => m.Properties.HttpMethod === 'OPTIONS');
  return {
    stageName: stage.StageName,
    tracing: stage.TracingEnabled,
    stageSettings: stage.MethodSettings.filter((s: any) => s.ResourcePath === '/*'),
    accessLogFormat: stage.AccessLogSetting.Format,
    endpointTypes: api.EndpointConfiguration.Types,
    endpointIds: api.EndpointConfiguration.VpcEndpointIds,
    hasPolicy: api.Policy !== undefined,
    accessLogs: shown(accessLogs),
    wafLogs: wafLogs.map(shown),
    keys: Object.keys(template.findResources('AWS::KMS::Key')).length,
    webAcls: Object.values<any>(template.findResources('AWS::WAFv2::WebACL')).map((w) => w.Properties.Rules),
    webAclAssociations: Object.keys(template.findResources('AWS::WAFv2::WebACLAssociation')).length,
    vpcEndpoints: Object.values<any>(template.findResources('AWS::EC2::VPCEndpoint')).map((e) => e.Properties.SubnetIds),
    gatewayResponses,
    preflights: preflights.length,
  };
}

/** The same options given to a TracedApi and to a ContractApi, each in its own stack. */
function both(options: (stack: Stack) => RestGatewayOptions) {
  const tracedStack = new Stack(new App(), 'S');
  new TracedApi(tracedStack, 'Items', {
    routes: [{ method: HttpMethod.GET, path: '/items', code: code(), handler: 'index.handler', authorization: RouteAuthorization.NONE }],
    ...options(tracedStack),
  });
  const contractStack = new Stack(new App(), 'S');
  new ContractApi(contractStack, 'Items', { document, ...options(contractStack) });
  return { traced: served(Template.fromStack(tracedStack)), contract: served(Template.fromStack(contractStack)) };
}

const isolatedVpc = (stack: Stack) => new ec2.Vpc(stack, 'Vpc', {
  natGateways: 0,
  maxAzs: 2,
  subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
});

describe('RestGatewayOptions: TracedApi and ContractApi serve the same options the same way', () => {
  test('the defaults', () => {
    const { traced, contract } = both(() => ({}));
    expect(contract).toEqual(traced);
    expect(traced).toMatchObject({
      stageName: 'v1',
      tracing: true,
      stageSettings: [expect.objectContaining({ ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000, LoggingLevel: 'OFF', DataTraceEnabled: false })],
      endpointTypes: ['REGIONAL'],
      hasPolicy: false,
      accessLogs: { retention: 365, encrypted: true, policy: 'Retain' },
      wafLogs: [{ retention: 365, encrypted: true, policy: 'Retain' }],
      keys: 1,
      webAclAssociations: 1,
      preflights: 0,
    });
  });

  test('stage name, throttle, execution logging, log retention', () => {
    const { traced, contract } = both(() => ({
      stageName: 'prod',
      throttle: { rateLimit: 10, burstLimit: 20 },
      executionLogLevel: apigateway.MethodLoggingLevel.ERROR,
      logRetention: logs.RetentionDays.ONE_MONTH,
    }));
    expect(contract).toEqual(traced);
    expect(traced.stageName).toBe('prod');
    expect(traced.stageSettings).toEqual([expect.objectContaining({ ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20, LoggingLevel: 'ERROR' })]);
    expect(traced.accessLogs.retention).toBe(30);
  });

  test('CORS: preflights and CORS headers on the gateway errors', () => {
    const { traced, contract } = both(() => ({ cors: { allowOrigins: ['https://app.example.com'] } }));
    expect(contract).toEqual(traced);
    expect(traced.preflights).toBeGreaterThan(0);
    expect(JSON.stringify(traced.gatewayResponses)).toContain("'https://app.example.com'");
  });

  test('a given key, WAF rules, and no WAF', () => {
    const arn = 'arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';
    const given = both((stack) => ({ encryptionKey: kms.Key.fromKeyArn(stack, 'Key', arn), waf: { rateLimit: 321 } }));
    expect(given.contract).toEqual(given.traced);
    expect(given.traced.keys).toBe(0);
    expect(JSON.stringify(given.traced.webAcls)).toContain('"Limit":321');
    const off = both(() => ({ wafEnabled: false }));
    expect(off.contract).toEqual(off.traced);
    expect(off.traced).toMatchObject({ webAcls: [], webAclAssociations: 0 });
  });

  test('PRIVATE with an endpoint created in vpc and vpcSubnets, or a given endpoint', () => {
    const created = both((stack) => ({
      endpointType: apigateway.EndpointType.PRIVATE, vpc: isolatedVpc(stack), vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    }));
    expect(created.contract).toEqual(created.traced);
    expect(created.traced).toMatchObject({ endpointTypes: ['PRIVATE'], hasPolicy: true });
    expect(created.traced.vpcEndpoints).toHaveLength(1);
    const given = both((stack) => ({
      endpointType: apigateway.EndpointType.PRIVATE,
      vpcEndpoint: ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'Endpoint', { vpcEndpointId: 'vpce-0123', port: 443 }),
    }));
    expect(given.contract).toEqual(given.traced);
    expect(given.traced).toMatchObject({ endpointIds: ['vpce-0123'], vpcEndpoints: [] });
  });

  test('the same refusals of the shared options', () => {
    const bad: RestGatewayOptions = { stageName: 'a b', throttle: { rateLimit: 10, burstLimit: 5 }, endpointType: apigateway.EndpointType.EDGE };
    const problems = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as Error).message.split('\n').slice(1).filter((l) => /^ {2}- (stageName|throttle|endpointType)/.test(l));
      }
      return [];
    };
    const traced = problems(() => new TracedApi(new Stack(), 'Items', {
      routes: [{ method: HttpMethod.GET, path: '/items', code: code(), handler: 'index.handler', authorization: RouteAuthorization.NONE }], ...bad,
    }));
    const contract = problems(() => new ContractApi(new Stack(), 'Items', { document, ...bad }));
    expect(traced).toHaveLength(3);
    expect(contract).toEqual(traced);
    expect(traced.join('\n')).toMatch(/stageName: 'a b'; allowed: 1-128 of A-Z a-z 0-9 _ -/);
    expect(traced.join('\n')).toMatch(/throttle\.burstLimit: 5 is below rateLimit 10; allowed: at least rateLimit/);
    expect(traced.join('\n')).toMatch(/endpointType: 'EDGE' is EDGE/);
  });
});
