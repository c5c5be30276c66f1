import { Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { SecureVpc } from '../../src/network';

/** The subnets of the functions, the cache and the tasks (isolated: no route out of the VPC). */
export const IMAGES_PRIVATE_SUBNETS: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };

/**
 * The VPC of the functions, the cache and the front end: public subnets for the gallery's
 * internet-facing load balancer only, no NAT gateway. The S3 and DynamoDB gateway endpoints carry
 * the buckets and the table; interface endpoints carry the private API (execute-api), the queue,
 * the secrets (the cache's AUTH token, the gallery's API key) and what Fargate needs to start.
 */
export class ImagesNetworkStack extends Stack {
  public readonly network: SecureVpc;
  /** The execute-api endpoint the private API is reached through (private DNS on). */
  public readonly apiEndpoint: ec2.InterfaceVpcEndpoint;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    const services = [
      ec2.InterfaceVpcEndpointAwsService.APIGATEWAY,
      ec2.InterfaceVpcEndpointAwsService.SQS,
      ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      ...SecureVpc.CONTAINER_ENDPOINTS,
    ];
    this.network = new SecureVpc(this, 'Network', { publicSubnets: true, interfaceEndpoints: services });
    this.apiEndpoint = this.network.interfaceEndpoints[services.indexOf(ec2.InterfaceVpcEndpointAwsService.APIGATEWAY)];
  }
}
