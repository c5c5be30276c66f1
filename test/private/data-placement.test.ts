import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { defaultSubnets, isGrantable } from '../../src/private/data-placement';

function vpc(subnetConfiguration: ec2.SubnetConfiguration[]): ec2.Vpc {
  const stack = new Stack(new App(), 'S');
  return new ec2.Vpc(stack, 'Vpc', { natGateways: subnetConfiguration.some((s) => s.subnetType === ec2.SubnetType.PRIVATE_WITH_EGRESS) ? 1 : 0, subnetConfiguration });
}

describe('defaultSubnets', () => {
  test('the isolated subnets first', () => {
    const v = vpc([
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ]);
    expect(defaultSubnets(v)).toEqual({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED });
  });

  test('else the private ones with egress; none in a public-only VPC', () => {
    expect(defaultSubnets(vpc([
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    ]))).toEqual({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
    expect(defaultSubnets(vpc([{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }]))).toBeUndefined();
  });
});

describe('isGrantable', () => {
  test('a role is; a security group, null and a plain value are not', () => {
    const stack = new Stack(new App(), 'S');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc: new ec2.Vpc(stack, 'Vpc', { natGateways: 0 }) });
    expect(isGrantable(role)).toBe(true);
    expect(isGrantable(sg)).toBe(false);
    expect(isGrantable(null)).toBe(false);
    expect(isGrantable('role')).toBe(false);
  });
});
