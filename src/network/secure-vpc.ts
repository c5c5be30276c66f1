import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { Compliance, RuleFamily } from '../compliance';
import { allowCloudWatchLogs, secureKey } from '../private/kms-key';
import { ManagedPolicyRole } from '../private/managed-policy-role';
import { Validation } from '../private/validation';

/** Properties of a `SecureVpc`. */
export interface SecureVpcProps {
  /**
   * The VPC's IPv4 range (a /16 to /24 CIDR block).
   *
   * @default '10.0.0.0/16'
   */
  readonly cidr?: string;
  /**
   * At most this many Availability Zones (1 to 6).
   *
   * @default - 3 when the stack names its region and account, 2 when it is environment-agnostic
   */
  readonly maxAzs?: number;
  /**
   * Public subnets (no public IP assigned on launch), for an internet-facing load balancer and
   * for NAT gateways.
   *
   * @default false
   */
  readonly publicSubnets?: boolean;
  /**
   * NAT gateways giving the private subnets egress to the internet (needs `publicSubnets`). 0
   * means isolated subnets only: AWS services are reached through the gateway and interface
   * endpoints. One per Availability Zone is the choice for production (a zone's outage does not
   * cut the others' egress).
   *
   * @default 0
   */
  readonly natGateways?: number;
  /**
   * Interface endpoints to add (for example `ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER`),
   * in the private subnets with private DNS. S3 and DynamoDB gateway endpoints are always there.
   *
   * @default - none
   */
  readonly interfaceEndpoints?: ec2.InterfaceVpcEndpointAwsService[];
  /**
   * How long flow logs are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly flowLogRetention?: logs.RetentionDays;
  /**
   * The key encrypting the flow log group.
   *
   * @default - a new key with rotation on
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * What happens to the flow log group (and a key created here) when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const ACKNOWLEDGED = new WeakSet<object>();
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/**
 * A VPC that passes every compliance pack: isolated subnets (and private subnets with egress when
 * `natGateways` is above 0) across the stack's Availability Zones, no public subnets unless asked,
 * flow logs of ALL traffic to a KMS-encrypted log group with retention, the default security group
 * stripped of its rules, S3 and DynamoDB gateway endpoints, and interface endpoints on request.
 *
 * @exampleMetadata fixture=construct
 * @example
 * import { SecureVpc } from 'cdk-rampart';
 *
 * const network = new SecureVpc(this, 'Network');
 */
export class SecureVpc extends Construct {
  /**
   * The interface endpoints Fargate tasks in isolated subnets (no NAT) need to start: ECR (API and
   * registry) to pull the image and CloudWatch Logs for the log driver; the image layers come
   * through the S3 gateway endpoint. Add SECRETS_MANAGER or SSM when tasks read secrets or parameters.
   */
  public static readonly CONTAINER_ENDPOINTS: ec2.InterfaceVpcEndpointAwsService[] = [
    ec2.InterfaceVpcEndpointAwsService.ECR,
    ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
    ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
  ];

  /** The VPC. */
  public readonly vpc: ec2.Vpc;
  /** The flow log group. */
  public readonly flowLogGroup: logs.LogGroup;
  /** The key encrypting the flow log group. */
  public readonly encryptionKey: kms.IKey;
  /** The interface endpoints, in the order given. */
  public readonly interfaceEndpoints: ec2.InterfaceVpcEndpoint[];
  /** The security group of the interface endpoints, when there are any. */
  public readonly endpointSecurityGroup?: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: SecureVpcProps = {}) {
    super(scope, id);
    const natGateways = props.natGateways ?? 0;
    const publicSubnets = props.publicSubnets ?? false;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const retention = props.flowLogRetention ?? logs.RetentionDays.ONE_YEAR;
    const cidr = props.cidr ?? '10.0.0.0/16';
    this.validate(props, natGateways, publicSubnets, retention);

    this.encryptionKey = props.encryptionKey ?? secureKey(this, 'Key', { description: `Encrypts the flow logs of ${this.node.path}`, forLogs: true, removalPolicy });
    if (props.encryptionKey) allowCloudWatchLogs(props.encryptionKey);
    this.flowLogGroup = new logs.LogGroup(this, 'FlowLogs', { encryptionKey: this.encryptionKey, retention, removalPolicy });

    // The flow log service's permissions go into a customer managed policy (no inline policy).
    const flowLogRole = new ManagedPolicyRole(this, 'FlowLogRole', {
      assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com'),
      description: `Lets VPC Flow Logs write the flow logs of ${this.node.path}`,
    });

    const subnetConfiguration: ec2.SubnetConfiguration[] = [
      ...(publicSubnets ? [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false }] : []),
      ...(natGateways > 0 ? [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 }] : []),
      { name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
    ];
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(cidr),
      maxAzs: props.maxAzs,
      natGateways,
      subnetConfiguration,
      restrictDefaultSecurityGroup: true,
      flowLogs: {
        all: { destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup, flowLogRole), trafficType: ec2.FlowLogTrafficType.ALL },
      },
      gatewayEndpoints: {
        s3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
        dynamodb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
      },
    });
    const endpointSubnets = { subnetType: natGateways > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED };
    const endpoints = props.interfaceEndpoints ?? [];
    // One security group for the interface endpoints: HTTPS from the VPC's own range (the literal
    // CIDR, so every pack can read the rule), nothing outbound (an endpoint never initiates).
    this.endpointSecurityGroup = endpoints.length === 0 ? undefined : new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: `Interface endpoints of ${this.node.path}: HTTPS from inside the VPC`,
      allowAllOutbound: false,
    });
    this.endpointSecurityGroup?.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(443), 'HTTPS from inside the VPC');
    this.interfaceEndpoints = endpoints.map((service, i) => this.vpc.addInterfaceEndpoint(`Endpoint${i}`, {
      service, privateDnsEnabled: true, subnets: endpointSubnets, open: false, securityGroups: [this.endpointSecurityGroup!],
    }));
    if (publicSubnets) {
      for (const subnet of this.vpc.publicSubnets) {
        const route = subnet.node.tryFindChild('DefaultRoute');
        if (!route) continue;
        {
          Compliance.acknowledgeFamily(route, RuleFamily.VPC_ROUTE_TO_INTERNET_GATEWAY,
            'This route to the internet gateway is what makes the subnet public, asked for with publicSubnets (an internet-facing load balancer, NAT gateways); '
            + 'nothing launched here gets a public IP (MapPublicIpOnLaunch false), and the private and isolated subnets have no route to the internet gateway.');
        }
      }
    }
    this.acknowledgeDefaultSecurityGroupProvider();
  }

  /**
   * restrictDefaultSecurityGroup deploys aws-cdk-lib's custom resource provider (one Lambda function
   * per stack) that removes the default security group's rules through the EC2 API at deploy time.
   */
  private acknowledgeDefaultSecurityGroupProvider(): void {
    const provider = Stack.of(this).node.tryFindChild('Custom::VpcRestrictDefaultSGCustomResourceProvider');
    const handler = provider?.node.tryFindChild('Handler');
    if (!handler || ACKNOWLEDGED.has(handler)) return;
    ACKNOWLEDGED.add(handler);
    Compliance.acknowledge(handler, 'lambda_inside_vpc_check',
      "aws-cdk-lib's provider that strips the default security group's rules (restrictDefaultSecurityGroup) runs once per deployment and calls only the regional EC2 API; "
      + 'inside the VPC it configures it would need a NAT gateway or an EC2 interface endpoint just for that call, and it touches no data of the VPC.');
  }

  private validate(props: SecureVpcProps, natGateways: number, publicSubnets: boolean, retention: logs.RetentionDays): void {
    const v = new Validation('SecureVpc', this);
    v.integer('maxAzs', props.maxAzs, 1, 6);
    v.integer('natGateways', natGateways, 0, 6);
    if (natGateways > 0 && !publicSubnets) {
      v.fail('natGateways', natGateways, 'publicSubnets: true with it (NAT gateways live in public subnets), or 0', 'without public subnets');
    }
    if (props.maxAzs !== undefined && natGateways > props.maxAzs) {
      v.fail('natGateways', natGateways, `at most maxAzs (${props.maxAzs}): one per Availability Zone`);
    }
    v.retention('flowLogRetention', retention);
    if (props.cidr !== undefined) {
      const m = CIDR.exec(props.cidr);
      const ok = m !== null && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) >= 16 && Number(m[5]) <= 24;
      v.check('cidr', props.cidr, ok, "an IPv4 CIDR block from /16 to /24, e.g. '10.0.0.0/16'");
    }
    const seen = new Set<string>();
    (props.interfaceEndpoints ?? []).forEach((service, i) => {
      if (seen.has(service.name)) v.fail(`interfaceEndpoints[${i}]`, service.shortName, 'each service once', 'is repeated');
      seen.add(service.name);
    });
    v.throwIfInvalid();
  }
}
