import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * Where a data store goes in a VPC when its props do not say: the isolated subnets (nothing there
 * reaches the internet), else the private ones; undefined when the VPC has neither (the construct
 * then reports it).
 */
export function defaultSubnets(vpc: ec2.IVpc): ec2.SubnetSelection | undefined {
  if (vpc.isolatedSubnets.length > 0) return { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  if (vpc.privateSubnets.length > 0) return { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  return undefined;
}

/** Whether a `grantConnect` client is also an IAM principal (a function, a task), to grant it access too. */
export function isGrantable(x: unknown): x is iam.IGrantable {
  return typeof x === 'object' && x !== null && 'grantPrincipal' in x && (x as iam.IGrantable).grantPrincipal !== undefined;
}
