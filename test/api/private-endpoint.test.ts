import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { endpointConfiguration, executeApiEndpoint, privateApiPolicy } from '../../src/api/private/private-endpoint';

const stackWithVpc = () => {
  const stack = new Stack(new App(), 'S');
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr('10.8.0.0/16'),
    natGateways: 0,
    maxAzs: 2,
    subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  return { stack, vpc };
};

describe('executeApiEndpoint', () => {
  test('a given endpoint is used as it is; nothing is created', () => {
    const { stack, vpc } = stackWithVpc();
    const given = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'Given', { vpcEndpointId: 'vpce-0123', port: 443 });
    expect(executeApiEndpoint(stack, vpc, undefined, given)).toBe(given);
    Template.fromStack(stack).resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });

  test('created: execute-api with private DNS, HTTPS in from the VPC\'s literal range only, nothing out', () => {
    const { stack, vpc } = stackWithVpc();
    executeApiEndpoint(stack, vpc, undefined, undefined);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Interface',
      PrivateDnsEnabled: true,
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.execute-api']] },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [{ CidrIp: '10.8.0.0/16', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: 'HTTPS from inside the VPC' }],
      SecurityGroupEgress: [{ CidrIp: '255.255.255.255/32' }],
    });
  });

  test('in an imported VPC, the range is the VPC\'s attribute', () => {
    const stack = new Stack(new App(), 'S');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-1', vpcCidrBlock: '10.9.0.0/16', availabilityZones: ['a', 'b'], isolatedSubnetIds: ['s-1', 's-2'],
    });
    executeApiEndpoint(stack, vpc, { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, undefined);
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroup', { SecurityGroupIngress: [{ CidrIp: '10.9.0.0/16' }] });
  });
});

describe('privateApiPolicy', () => {
  test('allows invoke to anyone and denies it unless the request came through the endpoint', () => {
    const stack = new Stack(new App(), 'S');
    const endpoint = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'Given', { vpcEndpointId: 'vpce-0123', port: 443 });
    expect(stack.resolve(privateApiPolicy(endpoint).toJSON())).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'InvokeThroughTheEndpoint', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'execute-api:Invoke', Resource: 'execute-api:/*' },
        {
          Sid: 'DenyOtherwise',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'execute-api:Invoke',
          Resource: 'execute-api:/*',
          Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-0123' } },
        },
      ],
    });
  });
});

describe('endpointConfiguration', () => {
  test('PRIVATE names the endpoint; REGIONAL names none', () => {
    const stack = new Stack(new App(), 'S');
    const endpoint = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'Given', { vpcEndpointId: 'vpce-0123', port: 443 });
    expect(endpointConfiguration(apigateway.EndpointType.PRIVATE, endpoint))
      .toEqual({ types: [apigateway.EndpointType.PRIVATE], vpcEndpoints: [endpoint] });
    expect(endpointConfiguration(apigateway.EndpointType.REGIONAL, undefined)).toEqual({ types: [apigateway.EndpointType.REGIONAL] });
  });
});
