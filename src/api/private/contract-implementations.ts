import { Duration } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigatewayv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { concreteFunction } from './routes';
import type { ContainerService } from '../../compute/container-service';
import type { ContainerImplementationOptions, ContractIntegration, ContractOperation, IContractImplementation } from '../contract-implementation';

const LAMBDA_CERTIFICATE_REASON = 'Client certificates authenticate API Gateway to HTTP backends; the implemented operations are Lambda proxies invoked through the Lambda API with IAM and the others are answered by API Gateway itself (mock integrations), where a client certificate has no role.';

/** A Lambda function answering operations. */
export class FunctionImplementation implements IContractImplementation {
  constructor(public readonly fn: lambda.IFunction) {}

  public bind(_scope: Construct, _operation: ContractOperation): ContractIntegration {
    const fn = concreteFunction(this.fn) ?? this.fn;
    return {
      integration: new apigateway.LambdaIntegration(fn, { allowTestInvoke: false }),
      clientCertificateReason: LAMBDA_CERTIFICATE_REASON,
    };
  }
}

/** A container service answering operations through a VPC link V2. */
export class ContainerImplementation implements IContractImplementation {
  constructor(public readonly service: ContainerService, public readonly options: ContainerImplementationOptions) {}

  public bind(scope: Construct, operation: ContractOperation): ContractIntegration {
    const vpc = this.service.cluster.vpc;
    const link = vpcLink(scope, vpc);
    const securityGroup = link.node.tryFindChild('SecurityGroup') as ec2.SecurityGroup;
    if (!securityGroup.node.tryFindChild(`To${this.service.node.addr}`)) {
      // Marks this service as admitted once; the rule itself lives on the load balancer's group.
      new Construct(securityGroup, `To${this.service.node.addr}`);
      this.service.loadBalancer.connections.allowFrom(securityGroup, ec2.Port.tcp(443), `HTTPS from the VPC link of ${scope.node.path}`);
    }
    const requestParameters: { [name: string]: string } = {};
    for (const p of operation.pathParameters) requestParameters[`integration.request.path.${p}`] = `method.request.path.${p}`;
    const integration = new apigateway.Integration({
      type: apigateway.IntegrationType.HTTP_PROXY,
      integrationHttpMethod: operation.method,
      uri: `https://${this.options.hostName}${operation.path}`,
      options: {
        connectionType: apigateway.ConnectionType.VPC_LINK,
        vpcLink: apigateway.VpcLink.fromVpcLinkId(scope, `VpcLinkRef${operation.operationId}`, link.vpcLinkId),
        requestParameters,
        timeout: this.options.timeout ?? Duration.seconds(29),
      },
    });
    return {
      integration,
      integrationTarget: this.service.loadBalancer.loadBalancerArn,
      clientCertificateReason: `${LAMBDA_CERTIFICATE_REASON} Container services are called over HTTPS through the VPC link, their load balancer's certificate verified against the host name, from the link's security group only.`,
    };
  }

  /** True when the service's load balancer faces the internet (it would be reachable around the contract). */
  public get internetFacing(): boolean {
    const cfn = this.service.loadBalancer.node.defaultChild as elbv2.CfnLoadBalancer;
    return cfn.scheme === 'internet-facing';
  }
}

/** The VPC link V2 of a VPC, created once per API. */
function vpcLink(scope: Construct, vpc: ec2.IVpc): apigatewayv2.VpcLink {
  const id = `VpcLink${vpc.node.addr.slice(0, 8)}`;
  const existing = scope.node.tryFindChild(id) as apigatewayv2.VpcLink | undefined;
  if (existing) return existing;
  const link = new apigatewayv2.VpcLink(scope, id, {
    vpc,
    // The subnets of the service's tasks (and of an internal load balancer): private, with egress or isolated.
    subnets: { subnets: vpc.privateSubnets.length > 0 ? vpc.privateSubnets : vpc.isolatedSubnets },
  });
  const securityGroup = new ec2.SecurityGroup(link, 'SecurityGroup', {
    vpc,
    description: `VPC link of ${scope.node.path}: HTTPS to the load balancers of its container services`,
    allowAllOutbound: false,
  });
  link.addSecurityGroups(securityGroup);
  return link;
}
