import { Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { SecureVpc } from '../../src/network';

/**
 * What every service stands on and none owns: the network (private subnets, flow logs, endpoints
 * for Secrets Manager so the migrations and services reach their credentials without NAT).
 */
export class PlatformFoundationStack extends Stack {
  public readonly network: SecureVpc;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    this.network = new SecureVpc(this, 'Network', {
      interfaceEndpoints: [ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER],
    });
  }
}
