import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { HttpMethod, RouteAuthorization, TracedApi, TracedApiProps, TracedApiRoute } from '../../src/api';
import { SecureVpc } from '../../src/network';
import { expectCompliant } from '../support/compliance';

/** TracedApi reached only through an interface VPC endpoint, and API keys per named consumer. */

const code = () => lambda.Code.fromAsset(path.join(__dirname, 'fixtures', 'handler'));
const routes = (apiKeyRequired = false): TracedApiRoute[] => [
  { method: HttpMethod.GET, path: '/items', code: code(), handler: 'index.handler', authorization: RouteAuthorization.NONE, apiKeyRequired },
  { method: HttpMethod.POST, path: '/items', code: code(), handler: 'index.handler', apiKeyRequired },
];

type Built = { stack: Stack; api: TracedApi; template: Template; vpc: SecureVpc };

function build(props: (stack: Stack, vpc: SecureVpc) => Partial<TracedApiProps>): Built {
  const stack = new Stack(new App(), 'Api');
  const vpc = new SecureVpc(stack, 'Network');
  const api = new TracedApi(stack, 'Items', { routes: routes(true), serviceName: 'items', ...props(stack, vpc) });
  return { stack, api, template: Template.fromStack(stack), vpc };
}

const privateApi = (_stack: Stack, vpc: SecureVpc): Partial<TracedApiProps> => ({
  endpointType: apigateway.EndpointType.PRIVATE,
  vpc: vpc.vpc,
  usagePlan: {
    consumers: [{ name: 'frontend' }, { name: 'partner', quota: { limit: 10000, period: apigateway.Period.DAY }, throttle: { rateLimit: 5, burstLimit: 10 } }],
  },
});

describe('TracedApi PRIVATE', () => {
  const built = build(privateApi);
  const { template, api, stack } = built;

  test('an execute-api interface endpoint in the VPC, private DNS on, HTTPS from the VPC only', () => {
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Interface',
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.execute-api']] },
      PrivateDnsEnabled: true,
    });
    const sgId = stack.getLogicalId(api.node.findChild('EndpointSecurityGroup').node.defaultChild as any);
    const sg = template.toJSON().Resources[sgId].Properties;
    // The VPC's own range as a literal, so every pack can read the rule.
    expect(sg.SecurityGroupIngress).toEqual([expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/16' })]);
    expect(sg.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32' })]);
  });

  test('a PRIVATE REST API associated with the endpoint; its policy allows invoke through that endpoint only', () => {
    const endpointId = stack.getLogicalId(api.vpcEndpoint!.node.defaultChild as any);
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['PRIVATE'], VpcEndpointIds: [{ Ref: endpointId }] },
      Policy: {
        Statement: [
          { Sid: 'InvokeThroughTheEndpoint', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'execute-api:Invoke', Resource: 'execute-api:/*' },
          {
            Sid: 'DenyOtherwise',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'execute-api:Invoke',
            Resource: 'execute-api:/*',
            Condition: { StringNotEquals: { 'aws:SourceVpce': { Ref: endpointId } } },
          },
        ],
      },
    });
    expect(api.endpointType).toBe(apigateway.EndpointType.PRIVATE);
  });

  test('each consumer has its own key, named for the service and stage, its value generated into an encrypted secret', () => {
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 2);
    template.resourceCountIs('AWS::SecretsManager::Secret', 2);
    const secretId = stack.getLogicalId(api.apiKeySecrets.frontend.node.defaultChild as any);
    template.hasResourceProperties('AWS::ApiGateway::ApiKey', {
      Name: 'items-v1-frontend',
      Enabled: true,
      Value: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']] },
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      KmsKeyId: Match.anyValue(),
      GenerateSecretString: { PasswordLength: 40, ExcludePunctuation: true },
    });
    expect(Object.keys(api.apiKeys).sort()).toEqual(['frontend', 'partner']);
  });

  test('a consumer with its own limits gets its own usage plan; the others share the API\'s', () => {
    template.resourceCountIs('AWS::ApiGateway::UsagePlan', 2);
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      UsagePlanName: 'items-v1-partner',
      Quota: { Limit: 10000, Period: 'DAY' },
      Throttle: { RateLimit: 5, BurstLimit: 10 },
      ApiStages: [Match.objectLike({ Stage: Match.anyValue() })],
    });
    const keyOf = (name: string) => stack.getLogicalId(api.apiKeys[name].node.defaultChild as any);
    const planOf = (plan: apigateway.UsagePlan) => stack.getLogicalId(plan.node.defaultChild as any);
    template.hasResourceProperties('AWS::ApiGateway::UsagePlanKey', { KeyId: { Ref: keyOf('frontend') }, UsagePlanId: { Ref: planOf(api.usagePlan!) } });
    template.hasResourceProperties('AWS::ApiGateway::UsagePlanKey', { KeyId: { Ref: keyOf('partner') }, UsagePlanId: { Ref: planOf(api.consumerUsagePlans.partner) } });
    template.allResourcesProperties('AWS::ApiGateway::Method', { ApiKeyRequired: true });
  });

  test('passes every compliance pack', () => {
    const report = expectCompliant(build(privateApi).stack);
    const rotation = report.acknowledgements.filter((a) => /SecretsManagerRotationEnabled|SMG4/.test(a.ruleId));
    expect(rotation.length).toBeGreaterThan(0);
    expect(rotation.every((a) => /API key in the usage plan/.test(a.reason))).toBe(true);
  });
});

describe('TracedApi PRIVATE with a given endpoint', () => {
  test('uses it: no endpoint or security group of its own; functions stay out of the VPC', () => {
    const stack = new Stack(new App(), 'Api');
    const vpc = new SecureVpc(stack, 'Network', { interfaceEndpoints: [ec2.InterfaceVpcEndpointAwsService.APIGATEWAY] });
    const api = new TracedApi(stack, 'Items', { routes: routes(), endpointType: apigateway.EndpointType.PRIVATE, vpcEndpoint: vpc.interfaceEndpoints[0] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 3); // S3 and DynamoDB gateways, the given execute-api endpoint
    expect(api.vpcEndpoint).toBe(vpc.interfaceEndpoints[0]);
    const endpointId = stack.getLogicalId(vpc.interfaceEndpoints[0].node.defaultChild as any);
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      Policy: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { StringNotEquals: { 'aws:SourceVpce': { Ref: endpointId } } } })]) },
    });
    template.allResourcesProperties('AWS::Lambda::Function', { VpcConfig: Match.absent() });
  });
});

describe('validation', () => {
  const bad = (props: (stack: Stack, vpc: SecureVpc) => Partial<TracedApiProps>) => () => build(props);
  const endpoint = (vpc: SecureVpc) => ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(vpc, 'Given', { vpcEndpointId: 'vpce-0123456789abcdef0', port: 443 });

  test('PRIVATE needs a vpc or an endpoint', () => {
    expect(bad(() => ({ endpointType: apigateway.EndpointType.PRIVATE, usagePlan: undefined, routes: routes() })))
      .toThrow(/endpointType: 'PRIVATE' without vpc or vpcEndpoint \(nobody could reach the API\); allowed: PRIVATE together with vpcEndpoint/);
  });

  test('an endpoint is for PRIVATE only; EDGE is refused', () => {
    expect(bad((_s, vpc) => ({ vpcEndpoint: endpoint(vpc), routes: routes() }))).toThrow(/vpcEndpoint: given with endpointType REGIONAL .*; allowed: vpcEndpoint with endpointType PRIVATE only/);
    expect(bad(() => ({ endpointType: apigateway.EndpointType.EDGE, routes: routes() }))).toThrow(/endpointType: 'EDGE' is EDGE: .*; allowed: one of 'REGIONAL', 'PRIVATE'/);
  });

  test('a usage plan needs keys: apiKeyNames or consumers, none empty, names distinct', () => {
    expect(bad(() => ({ usagePlan: {} }))).toThrow(/usagePlan: without apiKeyNames or consumers; allowed: at least one of apiKeyNames and consumers/);
    expect(bad(() => ({ usagePlan: { consumers: [] } }))).toThrow(/usagePlan\.consumers: \[\]; allowed: at least one consumer/);
    expect(bad(() => ({ usagePlan: { apiKeyNames: ['front-end'], consumers: [{ name: 'frontend' }] } }))).toThrow(/usagePlan\.apiKeyNames: .*repeat a name; allowed: distinct names across apiKeyNames and consumers/);
  });

  test('consumer names, quotas and throttles', () => {
    expect(bad(() => ({ usagePlan: { consumers: [{ name: 'front end' }] } }))).toThrow(/usagePlan\.consumers\[0\]\.name: 'front end'; allowed: 1-64 of A-Z a-z 0-9 -/);
    expect(bad(() => ({ usagePlan: { consumers: [{ name: 'a', quota: { limit: 0 } }] } }))).toThrow(/usagePlan\.consumers\[0\]\.quota\.limit: 0; allowed: an integer from 1/);
    expect(bad(() => ({ usagePlan: { consumers: [{ name: 'a', throttle: { rateLimit: 10, burstLimit: 5 } }] } }))).toThrow(/usagePlan\.consumers\[0\]\.throttle\.burstLimit: 5 is below rateLimit 10/);
  });
});
