import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { TracedFunction } from '../../src/api';
import { RedisCache } from '../../src/cache';
import { ContainerService } from '../../src/compute';
import { RelationalDatabase } from '../../src/data';
import { SecureVpc } from '../../src/network';
import { expectCompliant } from '../support/compliance';

/**
 * The blocks of a service system in one environment-agnostic stack, as a user composes them: a
 * network, a cache, a relational database, a public web service behind a load balancer with WAF, and a VPC-attached
 * function. Every pack runs on the whole stack; nothing is acknowledged on the VPC.
 */
function composedStack() {
  const stack = new Stack(new App(), 'Services');
  const network = new SecureVpc(stack, 'Network', {
    publicSubnets: true,
    interfaceEndpoints: [...SecureVpc.CONTAINER_ENDPOINTS, ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER],
  });
  const cache = new RedisCache(stack, 'Cache', { vpc: network.vpc });
  const database = new RelationalDatabase(stack, 'Database', { vpc: network.vpc });
  const web = new ContainerService(stack, 'Web', {
    vpc: network.vpc,
    image: ecs.ContainerImage.fromAsset(path.join(__dirname, '..', 'compute', 'fixtures', 'app')),
    healthCheckPath: '/health',
    certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d'),
    serviceDiscovery: { name: 'web' },
  });
  const worker = new TracedFunction(stack, 'Worker', {
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
    handler: 'index.handler',
    serviceName: 'worker',
    vpc: network.vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  });
  cache.grantConnect(web);
  cache.grantConnect(worker.function);
  database.grantConnect(web);
  database.grantConnect(worker.function);
  for (const [k, v] of Object.entries(cache.clientEnvironment())) web.addEnvironment(k, v);
  return { stack, network, cache, database, web, worker };
}

describe('a composed service stack', () => {
  test('holds each block once, the web service behind a WAF', () => {
    const { stack } = composedStack();
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::ElastiCache::ReplicationGroup', 1);
    template.resourceCountIs('AWS::RDS::DBCluster', 1);
    template.resourceCountIs('AWS::ECS::Service', 1);
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internet-facing' });
  });

  test('0 unacknowledged findings with every pack; in the VPC only the public subnets\' internet routes are acknowledged', () => {
    const { stack, network } = composedStack();
    const report = expectCompliant(stack);
    expect(report.packsRun.length).toBeGreaterThanOrEqual(6);
    const inVpc = report.acknowledgements.filter((a) => a.constructPath.startsWith(`${network.vpc.node.path}/`));
    // What publicSubnets is: a route to the internet gateway (for the load balancer), nothing else.
    expect(inVpc.map((a) => `${a.constructPath.replace(/^.*\/(publicSubnet\d)\//, '$1/')} ${a.ruleId}`).sort()).toEqual(
      ['publicSubnet1', 'publicSubnet2'].flatMap((subnet) => ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321']
        .map((pack) => `${subnet}/DefaultRoute ${pack}-VPCNoUnrestrictedRouteToIGW`)).sort());
  }, 600_000); // every pack on a stack of this size: minutes on a busy machine
});
