import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { RedisCache } from '../../src/cache';
import { ContainerService, ContainerServiceProps, ServiceExposure } from '../../src/compute';
import { DataTable } from '../../src/data';
import { SecureVpc } from '../../src/network';
import { PropsError } from '../../src/private/validation';
import { RegionalWebAcl } from '../../src/waf';
import { expectCompliant } from '../support/compliance';

const CERTIFICATE_ARN = 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';
const IMAGE_DIR = path.join(__dirname, 'fixtures', 'app');

interface BuildOptions {
  readonly env?: { account: string; region: string };
  readonly publicSubnets?: boolean;
  readonly natGateways?: number;
  readonly interfaceEndpoints?: ec2.InterfaceVpcEndpointAwsService[];
}

function build(props: Partial<ContainerServiceProps> = {}, options: BuildOptions = {}) {
  const stack = new Stack(new App(), 'Svc', { env: options.env });
  const network = new SecureVpc(stack, 'Network', {
    publicSubnets: options.publicSubnets ?? true,
    natGateways: options.natGateways,
    interfaceEndpoints: options.interfaceEndpoints ?? (options.natGateways ? [] : SecureVpc.CONTAINER_ENDPOINTS),
  });
  const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN);
  const repository = ecr.Repository.fromRepositoryName(stack, 'Repository', 'web');
  const service = new ContainerService(stack, 'Web', {
    vpc: network.vpc,
    certificate,
    healthCheckPath: '/health',
    image: ecs.ContainerImage.fromEcrRepository(repository, 'v1.2.3'),
    ...props,
  });
  return { stack, network, service, get template() { return Template.fromStack(stack); } };
}

const containerOf = (template: Template) => Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0].Properties.ContainerDefinitions[0];
const subnetIdsOfType = (template: Template, type: string) => Object.entries(template.findResources('AWS::EC2::Subnet'))
  .filter(([, s]) => s.Properties.Tags.find((t: any) => t.Key === 'aws-cdk:subnet-type')?.Value === type)
  .map(([id]) => ({ Ref: id }));

describe('ContainerService defaults', () => {
  test('the task: ARM64 Fargate, 512 CPU / 1024 MiB with a hard memory limit, non-root, read-only root filesystem with a writable /tmp, no capabilities', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RequiresCompatibilities: ['FARGATE'],
      NetworkMode: 'awsvpc',
      Cpu: '512',
      Memory: '1024',
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
      Volumes: [{ Name: 'writable-0' }],
    });
    const container = containerOf(template);
    expect(container).toMatchObject({
      User: '1000:1000',
      ReadonlyRootFilesystem: true,
      Privileged: false,
      Memory: 1024,
      Essential: true,
      PortMappings: [{ ContainerPort: 8080, Protocol: 'tcp', Name: 'http' }],
      MountPoints: [{ SourceVolume: 'writable-0', ContainerPath: '/tmp', ReadOnly: false }],
      LinuxParameters: { InitProcessEnabled: true, Capabilities: { Drop: ['ALL'] } },
    });
    expect(JSON.stringify(container.Image)).toContain('web:v1.2.3');
  });

  test('the health check path is called by the container health check and the target group', () => {
    const { template } = build({ healthCheckPath: '/ready' });
    const container = containerOf(template);
    expect(container.HealthCheck.Command[0]).toBe('CMD-SHELL');
    expect(container.HealthCheck.Command[1]).toContain('http://127.0.0.1:8080/ready');
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'ip', Port: 8080, Protocol: 'HTTP', HealthCheckPath: '/ready', Matcher: { HttpCode: '200-399' },
    });
  });

  test('the service: private subnets, no public IP, circuit breaker with rollback, 2 tasks, Container Insights', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::ECS::Service', {
      LaunchType: 'FARGATE',
      DesiredCount: 2,
      PlatformVersion: 'LATEST',
      DeploymentConfiguration: { DeploymentCircuitBreaker: { Enable: true, Rollback: true }, MinimumHealthyPercent: 100, MaximumPercent: 200 },
      NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'DISABLED', Subnets: subnetIdsOfType(template, 'Isolated') } },
    });
    template.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] });
  });

  test('with NAT gateways the tasks run in the private subnets with egress', () => {
    const { template } = build({}, { natGateways: 2 });
    template.hasResourceProperties('AWS::ECS::Service', {
      NetworkConfiguration: { AwsvpcConfiguration: { Subnets: subnetIdsOfType(template, 'Private') } },
    });
  });

  test('tasks in isolated subnets need the ECR and CloudWatch Logs endpoints: synth fails naming the VPC without them', () => {
    expect(() => build({}, { interfaceEndpoints: [ec2.InterfaceVpcEndpointAwsService.ECR] }).template)
      .toThrow(/its tasks run in the isolated subnets of 'Svc\/Network\/Vpc', which has no interface endpoint for ECR_DOCKER, CLOUDWATCH_LOGS/);
  });

  test('logs go to a KMS-encrypted log group kept a year', () => {
    const { template } = build();
    template.hasResource('AWS::Logs::LogGroup', {
      DeletionPolicy: 'Retain',
      Properties: { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WebKey'), 'Arn'] }, RetentionInDays: 365 },
    });
    expect(containerOf(template).LogConfiguration).toMatchObject({ LogDriver: 'awslogs', Options: { 'awslogs-group': { Ref: expect.stringMatching(/^WebLogs/) }, 'mode': 'non-blocking' } });
  });

  test('autoscaling from 2 to 10 tasks on CPU (60 %) and on requests per task (1000)', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 10 });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 60, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' } },
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 1000, PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget' } },
    });
  });

  test('working hours: zero tasks outside them, the usual range from their start, in the given time zone', () => {
    const { template } = build({ schedule: { startHour: 7, stopHour: 20, timeZone: 'Europe/Paris' }, minCapacity: 1, maxCapacity: 3 });
    const [target] = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalableTarget')) as any[];
    expect(target.Properties.ScheduledActions).toEqual([
      { ScheduledActionName: 'WorkingHoursStart', Schedule: 'cron(0 7 ? * MON-FRI *)', Timezone: 'Europe/Paris', ScalableTargetAction: { MinCapacity: 1, MaxCapacity: 3 } },
      { ScheduledActionName: 'WorkingHoursStop', Schedule: 'cron(0 20 ? * MON-FRI *)', Timezone: 'Europe/Paris', ScalableTargetAction: { MinCapacity: 0, MaxCapacity: 0 } },
    ]);
    const always = Object.values(build().template.findResources('AWS::ApplicationAutoScaling::ScalableTarget')) as any[];
    expect(always[0].Properties.ScheduledActions).toBeUndefined();
  });

  test('an internet-facing load balancer in the public subnets: invalid headers dropped, deletion protection, access logs, WAF', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      Subnets: subnetIdsOfType(template, 'Public'),
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'deletion_protection.enabled', Value: 'true' },
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
        { Key: 'routing.http.desync_mitigation_mode', Value: 'strictest' },
        { Key: 'access_logs.s3.enabled', Value: 'true' },
        { Key: 'access_logs.s3.prefix', Value: 'alb' },
      ]),
    });
    template.resourceCountIs('AWS::WAFv2::WebACL', 1);
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { ResourceArn: { Ref: Match.stringLikeRegexp('^WebLoadBalancer') } });
  });

  test('HTTPS with the certificate and a TLS 1.2+ policy; HTTP only redirects to HTTPS', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: CERTIFICATE_ARN }],
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: Match.stringLikeRegexp('^WebTargets') } }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80, Protocol: 'HTTP', DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    });
  });

  test('the tasks admit only the load balancer, on the container port', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 8080,
      ToPort: 8080,
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WebSecurityGroup'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WebLoadBalancerSecurityGroup'), 'GroupId'] },
    });
  });

  test('access logs in an environment-agnostic stack: the Region decides at deploy time between the ELB account and the log delivery service', () => {
    const { template } = build();
    const mapping = template.toJSON().Mappings.RampartElbLogDeliveryAccounts;
    expect(mapping['eu-west-1'].account).toBe('156460612806');
    expect(mapping['eu-south-2'].account).toBe('none');
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: 's3:PutObject',
          Principal: {
            AWS: { 'Fn::If': ['RampartElbLogDeliveryAccountsLegacy', Match.anyValue(), { Ref: 'AWS::NoValue' }] },
            Service: { 'Fn::If': ['RampartElbLogDeliveryAccountsLegacy', { Ref: 'AWS::NoValue' }, 'logdelivery.elasticloadbalancing.amazonaws.com'] },
          },
        })]),
      },
    });
  });

  test.each([
    ['eu-west-1', { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::156460612806:root']] } }],
    ['eu-south-2', { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' }],
  ])('access logs in %s are written as %j', (region, principal) => {
    const { template } = build({}, { env: { account: '123456789012', region } });
    expect(template.toJSON().Mappings).toBeUndefined();
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 's3:PutObject', Principal: principal })]) },
    });
  });

  test('the image can be a Docker asset: staged at synth, built and pushed by cdk deploy', () => {
    const { stack } = build({ image: ecs.ContainerImage.fromAsset(IMAGE_DIR) });
    const assembly = (stack.node.root as App).synth();
    const manifest = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'Svc.assets.json'), 'utf-8'));
    const images = Object.values(manifest.dockerImages) as any[];
    expect(images).toHaveLength(1);
    expect(images[0].source.directory).toMatch(/^asset\./);
  });
});

describe('ContainerService options', () => {
  test('internal: the load balancer in the private subnets, HTTPS from the VPC range only, no WAF opt-out needed', () => {
    const { template } = build({ exposure: ServiceExposure.INTERNAL }, { publicSubnets: false });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal', Subnets: subnetIdsOfType(template, 'Isolated') });
    const groups = Object.values(template.findResources('AWS::EC2::SecurityGroup'))
      .filter((g) => String(g.Properties.GroupDescription).includes('Load balancer of'));
    expect(groups).toHaveLength(1);
    for (const rule of groups[0].Properties.SecurityGroupIngress) {
      expect(rule.CidrIp).toEqual('10.0.0.0/16'); // the literal range: the packs cannot read a GetAtt
    }
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
  });

  test('service discovery: a private DNS namespace on the cluster and an A record per task', () => {
    const { template } = build({ serviceDiscovery: { name: 'orders' } });
    template.hasResourceProperties('AWS::ServiceDiscovery::PrivateDnsNamespace', { Name: 'service.internal' });
    template.hasResourceProperties('AWS::ServiceDiscovery::Service', { Name: 'orders', DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 10 }] } });
    template.hasResourceProperties('AWS::ECS::Service', { ServiceRegistries: [{ RegistryArn: Match.anyValue() }] });
  });

  test('a shared WebACL, a bucket for the access logs, sizes and scaling given', () => {
    const stack = new Stack(new App(), 'Shared');
    const network = new SecureVpc(stack, 'Network', { publicSubnets: true, interfaceEndpoints: SecureVpc.CONTAINER_ENDPOINTS });
    const webAcl = new RegionalWebAcl(stack, 'Waf');
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN);
    new ContainerService(stack, 'Web', {
      vpc: network.vpc,
      certificate,
      healthCheckPath: '/health',
      image: ecs.ContainerImage.fromAsset(IMAGE_DIR),
      webAcl,
      cpu: 1024,
      memoryLimitMiB: 4096,
      cpuArchitecture: ecs.CpuArchitecture.X86_64,
      minCapacity: 3,
      maxCapacity: 30,
      targetCpuUtilization: 50,
      requestsPerTarget: 500,
      containerPort: 3000,
      user: 'node',
      writablePaths: ['/tmp', '/app/cache'],
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::WAFv2::WebACL', 1);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '1024', Memory: '4096', RuntimePlatform: { CpuArchitecture: 'X86_64' } });
    expect(containerOf(template)).toMatchObject({ User: 'node', MountPoints: [{ ContainerPath: '/tmp' }, { ContainerPath: '/app/cache' }] });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 3, MaxCapacity: 30 });
  });

  test('wafEnabled false: no WebACL', () => {
    const { template } = build({ wafEnabled: false });
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  test('environment and secrets reach the container; the secret is readable by the execution role only', () => {
    const stack = new Stack(new App(), 'Env');
    const network = new SecureVpc(stack, 'Network', { publicSubnets: true, interfaceEndpoints: SecureVpc.CONTAINER_ENDPOINTS });
    const secret = new secretsmanager.Secret(stack, 'Secret');
    const service = new ContainerService(stack, 'Web', {
      vpc: network.vpc,
      healthCheckPath: '/health',
      image: ecs.ContainerImage.fromAsset(IMAGE_DIR),
      certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN),
      environment: { STAGE: 'dev' },
      secrets: { API_KEY: ecs.Secret.fromSecretsManager(secret) },
    });
    service.addEnvironment('EXTRA', 'yes');
    const template = Template.fromStack(stack);
    expect(containerOf(template)).toMatchObject({
      Environment: [{ Name: 'STAGE', Value: 'dev' }, { Name: 'EXTRA', Value: 'yes' }],
      Secrets: [{ Name: 'API_KEY', ValueFrom: { Ref: expect.stringMatching(/^Secret/) } }],
    });
    const policies = template.findResources('AWS::IAM::ManagedPolicy');
    const execution = Object.entries(policies).find(([id]) => id.startsWith('WebExecutionRole'))!;
    expect(JSON.stringify(execution[1])).toContain('secretsmanager:GetSecretValue');
  });

  test('a security-group peer and a principal: a cache admits it, a table grants its task role', () => {
    const { stack, network, service } = build();
    const cache = new RedisCache(stack, 'Cache', { vpc: network.vpc });
    const table = new DataTable(stack, 'Orders', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    cache.grantConnect(service);
    table.grantReadWriteItems(service);
    service.connections.allowTo(ec2.Peer.ipv4('10.0.0.0/16'), ec2.Port.tcp(5432), 'database');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 6380,
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CacheSecurityGroup'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WebSecurityGroup'), 'GroupId'] },
    });
    const taskPolicy = Object.entries(template.findResources('AWS::IAM::ManagedPolicy')).find(([id]) => id.startsWith('WebTaskRole'))!;
    const text = JSON.stringify(taskPolicy[1]);
    expect(text).toContain('dynamodb:PutItem');
    expect(text).toContain('secretsmanager:GetSecretValue');
  });

  describe('invalid props name the prop', () => {
    const imported = (stack: Stack) => ecs.Cluster.fromClusterAttributes(stack, 'Imported', { clusterName: 'c', vpc: ec2.Vpc.fromVpcAttributes(stack, 'V', { vpcId: 'vpc-1', availabilityZones: ['a'] }) });
    test.each<[string, Partial<ContainerServiceProps>, BuildOptions?]>([
      ['healthCheckPath', { healthCheckPath: 'health' }],
      ['healthCheckPath', { healthCheckPath: `/${'a'.repeat(1024)}` }],
      ['containerPort', { containerPort: 80 }],
      ['cpu', { cpu: 300 }],
      ['memoryLimitMiB', { cpu: 512, memoryLimitMiB: 512 }],
      ['memoryLimitMiB', { cpu: 1024, memoryLimitMiB: 2500 }],
      ['user', { user: 'root' }],
      ['user', { user: '0:0' }],
      ['writablePaths[1]', { writablePaths: ['/tmp', '/'] }],
      ['minCapacity', { minCapacity: 0 }],
      ['maxCapacity', { maxCapacity: 2000 }],
      ['maxCapacity', { minCapacity: 4, maxCapacity: 3 }],
      ['targetCpuUtilization', { targetCpuUtilization: 95 }],
      ['requestsPerTarget', { requestsPerTarget: 0 }],
      ['healthCheckGracePeriod', { healthCheckGracePeriod: Duration.hours(2) }],
      ['logRetention', { logRetention: logs.RetentionDays.INFINITE }],
      ['environment.1BAD', { environment: { '1BAD': 'x' } }],
      ['secrets.TOKEN', { environment: { TOKEN: 'x' }, secrets: { TOKEN: ecs.Secret.fromSsmParameter({ parameterArn: 'arn:aws:ssm:eu-west-1:123456789012:parameter/t', parameterName: 't' } as any) } }],
      ['healthCheckCommand', { healthCheckCommand: ['curl localhost'] }],
      ['webAcl, wafEnabled', { wafEnabled: false, webAcl: {} as RegionalWebAcl }],
      ['waf', { wafEnabled: false, waf: { rateLimit: 1000 } }],
      ['waf.rateLimit', { waf: { rateLimit: 1 } }],
      ['serviceDiscovery.name', { serviceDiscovery: { name: 'Orders_Service' } }],
      ['vpc', {}, { publicSubnets: false }],
      ['schedule.startHour', { schedule: { startHour: 24, stopHour: 20 } }],
      ['schedule.stopHour', { schedule: { startHour: 7, stopHour: 7.5 } }],
      ['schedule.stopHour', { schedule: { startHour: 7, stopHour: 7 } }],
      ['schedule.weekDays', { schedule: { startHour: 7, stopHour: 20, weekDays: 'weekdays' } }],
      ['schedule.timeZone', { schedule: { startHour: 7, stopHour: 20, timeZone: 'CET+1' } }],
    ])('%s: %j', (prop, props, options = {}) => { // a default keeps the arity at 2: jest would wait for a done callback
      let error: unknown;
      try {
        build(props, options);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PropsError);
      expect(() => build(props, options)).toThrow(new RegExp(`^ContainerService 'Svc/Web' has invalid props:[\\s\\S]*- ${prop.replace(/[[\].]/g, '\\$&')}: `));
    });

    test('serviceDiscovery.cloudMapNamespace: a cluster of yours without a default namespace', () => {
      expect(() => {
        const stack = new Stack(new App(), 'Svc');
        const network = new SecureVpc(stack, 'Network', { publicSubnets: true });
        new ContainerService(stack, 'Web', {
          vpc: network.vpc,
          healthCheckPath: '/health',
          image: ecs.ContainerImage.fromAsset(IMAGE_DIR),
          cluster: imported(stack),
          certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN),
          serviceDiscovery: { name: 'orders' },
        });
      }).toThrow(/- serviceDiscovery\.cloudMapNamespace: not set and the cluster 'Svc\/Imported' has none; allowed: /);
    });

    test('vpc without private subnets', () => {
      const stack = new Stack(new App(), 'Svc');
      const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }] });
      expect(() => new ContainerService(stack, 'Web', {
        vpc,
        healthCheckPath: '/health',
        image: ecs.ContainerImage.fromAsset(IMAGE_DIR),
        certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN),
      })).toThrow(/- vpc: 'Svc\/Vpc' has no private subnets; allowed: /);
    });
  });
});

describe('ContainerService compliance', () => {
  // Every pack on one stack takes a minute on a quiet machine, several on a busy one.
  const PACKS_TIMEOUT = 600_000;

  test('compliant with every pack under defaults (internet-facing, image from ECR)', () => {
    const { stack } = build();
    expectCompliant(stack);
  }, PACKS_TIMEOUT);

  test('compliant with every pack: internal, image asset, service discovery', () => {
    const { stack } = build({ exposure: ServiceExposure.INTERNAL, image: ecs.ContainerImage.fromAsset(IMAGE_DIR), serviceDiscovery: { name: 'orders' } }, { publicSubnets: false });
    expectCompliant(stack);
  }, PACKS_TIMEOUT);
});
