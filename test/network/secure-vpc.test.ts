import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { TracedFunction } from '../../src/api';
import { RedisCache } from '../../src/cache';
import { SecureVpc, SecureVpcProps } from '../../src/network';
import { PropsError } from '../../src/private/validation';
import { expectCompliant } from '../support/compliance';

function build(props: SecureVpcProps = {}, env?: { account: string; region: string }) {
  const stack = new Stack(new App(), 'Network', { env });
  const network = new SecureVpc(stack, 'Vpc', props);
  return { stack, network, get template() { return Template.fromStack(stack); } };
}

const subnetsOf = (template: Template) => Object.values(template.findResources('AWS::EC2::Subnet'));
const tagOf = (subnet: any, key: string) => subnet.Properties.Tags.find((t: any) => t.Key === key)?.Value;

describe('SecureVpc', () => {
  test('defaults: isolated subnets in 2 AZs (environment-agnostic), no public subnet, no NAT, no internet gateway', () => {
    const { template } = build();
    const subnets = subnetsOf(template);
    expect(subnets).toHaveLength(2);
    expect(subnets.map((s) => tagOf(s, 'aws-cdk:subnet-type'))).toEqual(['Isolated', 'Isolated']);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16' });
  });

  test('flow logs of ALL traffic to a KMS-encrypted, retained log group; the role has no inline policy', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    template.hasResource('AWS::Logs::LogGroup', {
      DeletionPolicy: 'Retain',
      Properties: { KmsKeyId: Match.anyValue(), RetentionInDays: 365 },
    });
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
  });

  test('default security group restricted; S3 and DynamoDB gateway endpoints', () => {
    const { template } = build();
    template.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
    const endpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint'));
    expect(endpoints.map((e) => e.Properties.VpcEndpointType)).toEqual(['Gateway', 'Gateway']);
    expect(JSON.stringify(endpoints)).toMatch(/\.s3/);
    expect(JSON.stringify(endpoints)).toMatch(/\.dynamodb/);
  });

  test('public subnets (no public IP on launch) and NAT per AZ give private subnets with egress', () => {
    const { template } = build({ publicSubnets: true, natGateways: 3 }, { account: '123456789012', region: 'eu-west-1' });
    const subnets = subnetsOf(template);
    const types = subnets.map((s) => tagOf(s, 'aws-cdk:subnet-type'));
    expect(types.filter((t) => t === 'Public')).toHaveLength(3);
    expect(types.filter((t) => t === 'Private')).toHaveLength(3);
    expect(types.filter((t) => t === 'Isolated')).toHaveLength(3);
    for (const s of subnets) expect(s.Properties.MapPublicIpOnLaunch).not.toBe(true);
    template.resourceCountIs('AWS::EC2::NatGateway', 3);
  });

  test('interface endpoints with private DNS on request', () => {
    const services = [ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER, ec2.InterfaceVpcEndpointAwsService.SQS];
    const { template, network } = build({ interfaceEndpoints: services });
    expect(network.interfaceEndpoints).toHaveLength(2);
    template.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface', PrivateDnsEnabled: true }, 2);
  });

  describe('invalid props name the prop', () => {
    test.each<[string, SecureVpcProps]>([
      ['maxAzs', { maxAzs: 0 }],
      ['natGateways', { natGateways: -1 }],
      ['natGateways', { natGateways: 1 }],
      ['natGateways', { natGateways: 3, publicSubnets: true, maxAzs: 2 }],
      ['flowLogRetention', { flowLogRetention: logs.RetentionDays.INFINITE }],
      ['cidr', { cidr: '10.0.0.0/8' }],
      ['cidr', { cidr: '300.0.0.0/16' }],
      ['interfaceEndpoints[1]', { interfaceEndpoints: [ec2.InterfaceVpcEndpointAwsService.SQS, ec2.InterfaceVpcEndpointAwsService.SQS] }],
    ])('%s: %j', (prop, props) => {
      let error: unknown;
      try {
        build(props);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PropsError);
      expect(() => build(props)).toThrow(new RegExp(`^SecureVpc 'Network/Vpc' has invalid props:[\\s\\S]*- ${prop.replace(/[[\]]/g, '\\$&')}: `));
    });
  });

  test('compliant with every pack under defaults, with a RedisCache and a VPC-attached function in it', () => {
    const { stack, network } = build({ interfaceEndpoints: [ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER] });
    const cache = new RedisCache(stack, 'Cache', { vpc: network.vpc });
    const fn = new TracedFunction(stack, 'Reader', {
      code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
      handler: 'index.handler',
      serviceName: 'reader',
      vpc: network.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    });
    cache.grantConnect(fn.function);
    expectCompliant(stack);
  });

  test('compliant with public subnets and NAT gateways', () => {
    const { stack } = build({ publicSubnets: true, natGateways: 2 }, { account: '123456789012', region: 'eu-west-1' });
    expectCompliant(stack);
  });
});
