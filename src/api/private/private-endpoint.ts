import { Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * The interface VPC endpoint for execute-api a PRIVATE API is reached through: the given one, or
 * one created in `vpc` (HTTPS from the VPC's own range only, nothing outbound, private DNS on so
 * callers in the VPC use the API's ordinary URL).
 */
export function executeApiEndpoint(
  scope: Construct, vpc: ec2.IVpc | undefined, subnets: ec2.SubnetSelection | undefined, given: ec2.IInterfaceVpcEndpoint | undefined,
): ec2.IInterfaceVpcEndpoint {
  if (given) return given;
  const securityGroup = new ec2.SecurityGroup(scope, 'EndpointSecurityGroup', {
    vpc: vpc!,
    description: `execute-api endpoint of ${scope.node.path}: HTTPS from inside the VPC`,
    allowAllOutbound: false,
  });
  securityGroup.addIngressRule(ec2.Peer.ipv4(vpcCidr(vpc!)), ec2.Port.tcp(443), 'HTTPS from inside the VPC');
  return new ec2.InterfaceVpcEndpoint(scope, 'Endpoint', {
    vpc: vpc!,
    service: ec2.InterfaceVpcEndpointAwsService.APIGATEWAY,
    privateDnsEnabled: true,
    open: false,
    securityGroups: [securityGroup],
    subnets,
  });
}

/**
 * The VPC's range as a literal where the VPC was declared with one (so every pack can read the
 * rule: a reference to the VPC's attribute is opaque to them), its attribute otherwise.
 */
function vpcCidr(vpc: ec2.IVpc): string {
  const cfn = vpc.node.defaultChild;
  if (cfn instanceof ec2.CfnVPC && typeof cfn.cidrBlock === 'string' && !Token.isUnresolved(cfn.cidrBlock)) return cfn.cidrBlock;
  return vpc.vpcCidrBlock;
}

/**
 * The resource policy of a PRIVATE API: `execute-api:Invoke` through `endpoint` only. The Allow
 * names every principal because routes without IAM have no AWS caller to name; the Deny refuses
 * every request that did not come through the endpoint, whoever signs it, and each route's own
 * authorization (IAM, Cognito, API key) still applies.
 */
export function privateApiPolicy(endpoint: ec2.IInterfaceVpcEndpoint): iam.PolicyDocument {
  const invoke = { principals: [new iam.AnyPrincipal()], actions: ['execute-api:Invoke'], resources: ['execute-api:/*'] };
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({ sid: 'InvokeThroughTheEndpoint', ...invoke }),
      new iam.PolicyStatement({
        sid: 'DenyOtherwise',
        effect: iam.Effect.DENY,
        ...invoke,
        conditions: { StringNotEquals: { 'aws:SourceVpce': endpoint.vpcEndpointId } },
      }),
    ],
  });
}

/** The endpoint configuration of the REST API for an endpoint type. */
export function endpointConfiguration(
  type: apigateway.EndpointType, endpoint: ec2.IInterfaceVpcEndpoint | undefined,
): apigateway.EndpointConfiguration {
  return type === apigateway.EndpointType.PRIVATE
    // Associating the endpoint also gives the API an alias name per endpoint (<api>-<vpce>.execute-api...).
    ? { types: [type], vpcEndpoints: [endpoint!] }
    : { types: [type] };
}
