import { Aws, CfnCondition, CfnMapping, Duration, Fn, RemovalPolicy, Size, Stack, TimeZone, Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { Compliance, RuleFamily } from '../compliance';
import { accessLogBucket } from '../private/buckets';
import { allowCloudWatchLogs, secureKey } from '../private/kms-key';
import { ManagedPolicyRole } from '../private/managed-policy-role';
import { described, known, Validation } from '../private/validation';
import { RegionalWebAcl, RegionalWebAclProps } from '../waf';
import { validateWafSettings } from '../waf/private/waf-settings';

/** Who can reach a `ContainerService`'s load balancer. */
export enum ServiceExposure {
  /** An internet-facing load balancer in the VPC's public subnets (the VPC needs them). */
  INTERNET_FACING = 'internet-facing',
  /** An internal load balancer in the private subnets, reachable from inside the VPC only. */
  INTERNAL = 'internal',
}

/**
 * Working hours of a `ContainerService`: outside them it scales to zero tasks (a lower environment
 * that costs little when idle), at their start back to `minCapacity`..`maxCapacity`.
 */
export interface ContainerServiceSchedule {
  /** The hour (0-23, in `timeZone`) the working hours start: the tasks come back. */
  readonly startHour: number;
  /** The hour (0-23, in `timeZone`) they end: the service scales to zero. */
  readonly stopHour: number;
  /**
   * The days with working hours, as a cron day-of-week field (`MON-FRI`, `MON,WED,FRI`).
   *
   * @default 'MON-FRI'
   */
  readonly weekDays?: string;
  /**
   * The IANA time zone of the hours, e.g. `Europe/Paris` (scheduled actions follow its daylight saving time).
   *
   * @default 'UTC'
   */
  readonly timeZone?: string;
}

/** Service discovery (AWS Cloud Map) for calls from other services in the VPC. */
export interface ContainerServiceDiscovery {
  /**
   * The service's name in the namespace: other services call `http://<name>.<namespace>:<port>`.
   * 1 to 63 of a-z 0-9 -, starting with a letter.
   */
  readonly name: string;
  /**
   * The private DNS namespace.
   *
   * @default - the cluster's default namespace; on a cluster created here, a new private DNS
   * namespace `service.internal` in the VPC
   */
  readonly cloudMapNamespace?: servicediscovery.INamespace;
}

/** Properties of a `ContainerService`. */
export interface ContainerServiceProps {
  /** The VPC: the tasks go into its private subnets, an internet-facing load balancer into its public ones. */
  readonly vpc: ec2.IVpc;

  /**
   * The container image: `ecs.ContainerImage.fromEcrRepository(repository, tag)` (what
   * `DeliveryPipeline`'s image build pushes) or `ecs.ContainerImage.fromAsset(directory)` (built
   * and pushed by `cdk deploy`, never at synth).
   */
  readonly image: ecs.ContainerImage;

  /**
   * The path answering 200-399 when the service is healthy (e.g. `/health`): the load balancer's
   * target health check and the container's own health check both call it.
   */
  readonly healthCheckPath: string;

  /**
   * The certificate of the HTTPS listener (from ACM, for the name clients call). HTTP on port 80
   * only redirects to HTTPS.
   */
  readonly certificate: acm.ICertificate;

  /**
   * Who can reach the load balancer.
   *
   * @default ServiceExposure.INTERNET_FACING
   */
  readonly exposure?: ServiceExposure;

  /**
   * The port the container listens on for HTTP (1024 to 65535: the container runs without
   * root and without the capability to bind lower ports).
   *
   * @default 8080
   */
  readonly containerPort?: number;

  /**
   * CPU units of a task: 256, 512, 1024, 2048, 4096, 8192 or 16384.
   *
   * @default 512
   */
  readonly cpu?: number;

  /**
   * Memory of a task in MiB, within what Fargate allows for `cpu` (e.g. 1024 to 4096 for 512 CPU units).
   *
   * @default 1024
   */
  readonly memoryLimitMiB?: number;

  /**
   * The CPU architecture the image is built for.
   *
   * @default ecs.CpuArchitecture.ARM64
   */
  readonly cpuArchitecture?: ecs.CpuArchitecture;

  /**
   * The user the container runs as, `uid` or `uid:gid` (or a name the image defines); never root.
   *
   * @default '1000:1000'
   */
  readonly user?: string;

  /**
   * Paths the container may write to (empty task-local volumes; the root filesystem is read-only).
   *
   * @default ['/tmp']
   */
  readonly writablePaths?: string[];

  /**
   * Environment variables of the container (not secrets: use `secrets` for those).
   *
   * @default - none
   */
  readonly environment?: { [name: string]: string };

  /**
   * Secrets given to the container as environment variables, read by ECS at start
   * (`ecs.Secret.fromSecretsManager(secret)`, `ecs.Secret.fromSsmParameter(parameter)`).
   *
   * @default - none
   */
  readonly secrets?: { [name: string]: ecs.Secret };

  /**
   * The container's health check command. The default calls `healthCheckPath` on
   * 127.0.0.1 with `curl`, or `wget` when the image has no curl; give your own for an image with
   * neither (e.g. a distroless image: `['CMD', '/app/healthcheck']`).
   *
   * @default - ['CMD-SHELL', 'curl -fsS http://127.0.0.1:<port><path> > /dev/null || wget -q -O /dev/null http://127.0.0.1:<port><path> || exit 1']
   */
  readonly healthCheckCommand?: string[];

  /**
   * Tasks at least (2 to 1000). Two or more spread the service over Availability Zones.
   *
   * @default 2
   */
  readonly minCapacity?: number;

  /**
   * Tasks at most (at least `minCapacity`, up to 1000).
   *
   * @default 10
   */
  readonly maxCapacity?: number;

  /**
   * Working hours: zero tasks outside them (scheduled scaling), `minCapacity`..`maxCapacity`
   * within. The load balancer answers 503 while no task runs. A deployment outside working hours
   * starts `minCapacity` tasks until the next stop.
   *
   * @default - always on
   */
  readonly schedule?: ContainerServiceSchedule;

  /**
   * Average CPU utilisation (percent, 10 to 90) that autoscaling keeps the tasks at.
   *
   * @default 60
   */
  readonly targetCpuUtilization?: number;

  /**
   * Requests per task per minute (through the load balancer) that autoscaling keeps the tasks at
   * (1 to 1,000,000).
   *
   * @default 1000
   */
  readonly requestsPerTarget?: number;

  /**
   * How long a new task may fail the load balancer health check before ECS replaces it (0 to 3600 seconds).
   *
   * @default Duration.seconds(60)
   */
  readonly healthCheckGracePeriod?: Duration;

  /**
   * Register the tasks in AWS Cloud Map for service-to-service calls inside the VPC.
   *
   * @default - no service discovery
   */
  readonly serviceDiscovery?: ContainerServiceDiscovery;

  /**
   * Put a WebACL in front of the load balancer (the same switch as `TracedApi` and `SecureSite`).
   * Without one the packs report the load balancer (NIST/PCI ALBWAFEnabled): acknowledge it with
   * your reason (for example a WAF in front of it elsewhere).
   *
   * @default true
   */
  readonly wafEnabled?: boolean;

  /**
   * Settings of the WebACL this service creates (rules, log retention, log key), nested as on
   * `TracedApi` and `SecureSite`.
   *
   * @default - a new `RegionalWebAcl` with the AWS managed rule groups and a rate limit
   */
  readonly waf?: RegionalWebAclProps;

  /**
   * An existing WebACL to associate instead of creating one (share one between services).
   *
   * @default - a new `RegionalWebAcl` (see `waf`)
   */
  readonly webAcl?: RegionalWebAcl;

  /**
   * The bucket receiving the load balancer's access logs (SSE-S3: Elastic Load Balancing delivers
   * only to buckets with S3 managed encryption).
   *
   * @default - a new access log bucket (versioned, TLS only, private, retained, logs expire after a year)
   */
  readonly accessLogBucket?: s3.IBucket;

  /**
   * Refuse deleting the load balancer until this is turned off.
   *
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * The cluster. A cluster created here has Container Insights on; one you bring should too.
   *
   * @default - a new cluster in `vpc` with Container Insights (enhanced observability)
   */
  readonly cluster?: ecs.ICluster;

  /**
   * How long the container logs are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The key encrypting the container logs.
   *
   * @default - a new key with rotation on
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * What happens to the log group (and a key created here) when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Fargate's CPU units and the memory (MiB) each allows. */
const FARGATE_MEMORY: Record<number, { min: number; max: number; step: number; extra?: number[] }> = {
  256: { min: 512, max: 512, step: 1, extra: [1024, 2048] },
  512: { min: 1024, max: 4096, step: 1024 },
  1024: { min: 2048, max: 8192, step: 1024 },
  2048: { min: 4096, max: 16384, step: 1024 },
  4096: { min: 8192, max: 30720, step: 1024 },
  8192: { min: 16384, max: 61440, step: 4096 },
  16384: { min: 32768, max: 122880, step: 8192 },
};
const HEALTH_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;
const DISCOVERY_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const ROOT_USER = /^(root|0)(:.*)?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DEFAULT_NAMESPACE = 'service.internal';
const ELB_LOG_DELIVERY = 'logdelivery.elasticloadbalancing.amazonaws.com';

/**
 * An ECS Fargate service for a long-running HTTP container behind an HTTPS Application Load
 * Balancer, with the production defaults: ARM64, a non-root user, a read-only root filesystem
 * (writable `/tmp`), all Linux capabilities dropped, no public IP, tasks in private subnets, a
 * required health check path used by the container health check and the target group, a
 * deployment circuit breaker that rolls back, CPU and request-count autoscaling, logs to a
 * KMS-encrypted log group, Container Insights, optional Cloud Map service discovery; the load
 * balancer internet-facing (or internal) with HTTP redirected to HTTPS, invalid headers dropped,
 * access logs, deletion protection and a WAF WebACL.
 *
 * The service is a security-group peer and an IAM principal (its task role):
 * `cache.grantConnect(service)`, `table.grantReadWriteItems(service)`,
 * `service.connections.allowTo(database, port)`.
 *
 * @exampleMetadata fixture=construct
 * @example
 * import * as ecs from 'aws-cdk-lib/aws-ecs';
 * import { ContainerService } from 'cdk-rampart';
 *
 * const web = new ContainerService(this, 'Web', {
 *   vpc, certificate, healthCheckPath: '/health',
 *   image: ecs.ContainerImage.fromEcrRepository(repository, 'v1.2.3'),
 * });
 */
export class ContainerService extends Construct implements ec2.IConnectable, iam.IGrantable {
  /** The Fargate service. */
  public readonly service: ecs.FargateService;
  /** The task definition. */
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The container. */
  public readonly container: ecs.ContainerDefinition;
  /** The cluster. */
  public readonly cluster: ecs.ICluster;
  /** The load balancer. */
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The HTTPS listener. */
  public readonly listener: elbv2.ApplicationListener;
  /** The target group of the tasks. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The task count autoscaling. */
  public readonly scaling: ecs.ScalableTaskCount;
  /** The container log group. */
  public readonly logGroup: logs.LogGroup;
  /** The key encrypting the container logs. */
  public readonly encryptionKey: kms.IKey;
  /** The bucket receiving the load balancer's access logs. */
  public readonly accessLogBucket: s3.IBucket;
  /** The WebACL protecting the load balancer, unless `wafEnabled` is false. */
  public readonly webAcl?: RegionalWebAcl;
  /** The task role: what the application may call. */
  public readonly taskRole: iam.IRole;
  /** Network access of the tasks: `service.connections.allowTo(database, port)`. */
  public readonly connections: ec2.Connections;
  /** The principal of the application (the task role). */
  public readonly grantPrincipal: iam.IPrincipal;
  /** The load balancer's DNS name. */
  public readonly loadBalancerDnsName: string;
  /** The Cloud Map service, with `serviceDiscovery`. */
  public readonly cloudMapService?: servicediscovery.IService;
  /** The port the container listens on. */
  public readonly containerPort: number;
  private environmentAcknowledged = false;

  constructor(scope: Construct, id: string, props: ContainerServiceProps) {
    super(scope, id);
    const exposure = props.exposure ?? ServiceExposure.INTERNET_FACING;
    const containerPort = props.containerPort ?? 8080;
    const cpu = props.cpu ?? 512;
    const memoryLimitMiB = props.memoryLimitMiB ?? 1024;
    const user = props.user ?? '1000:1000';
    const writablePaths = props.writablePaths ?? ['/tmp'];
    const minCapacity = props.minCapacity ?? 2;
    const maxCapacity = props.maxCapacity ?? 10;
    const targetCpu = props.targetCpuUtilization ?? 60;
    const requestsPerTarget = props.requestsPerTarget ?? 1000;
    const gracePeriod = props.healthCheckGracePeriod ?? Duration.seconds(60);
    const retention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const deletionProtection = props.deletionProtection ?? true;
    const internetFacing = exposure === ServiceExposure.INTERNET_FACING;
    const taskSubnets = privateSubnetsOf(props.vpc);
    this.validate(props, {
      containerPort,
      cpu,
      memoryLimitMiB,
      user,
      writablePaths,
      minCapacity,
      maxCapacity,
      targetCpu,
      requestsPerTarget,
      gracePeriod,
      retention,
      internetFacing,
      taskSubnets,
    });
    this.containerPort = containerPort;

    this.encryptionKey = props.encryptionKey ?? secureKey(this, 'Key', { description: `Encrypts the container logs of ${this.node.path}`, forLogs: true, removalPolicy });
    if (props.encryptionKey) allowCloudWatchLogs(props.encryptionKey);
    this.logGroup = new logs.LogGroup(this, 'Logs', { encryptionKey: this.encryptionKey, retention, removalPolicy });

    this.cluster = props.cluster ?? new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

    // Both roles keep their grants in a customer managed policy (no inline policies).
    const taskRole = new ManagedPolicyRole(this, 'TaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: `The application in ${this.node.path}`,
    });
    const executionRole = new ManagedPolicyRole(this, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: `Lets ECS pull the image and write the logs of ${this.node.path}`,
    });
    this.taskRole = taskRole;
    this.grantPrincipal = taskRole;

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu,
      memoryLimitMiB,
      runtimePlatform: {
        cpuArchitecture: props.cpuArchitecture ?? ecs.CpuArchitecture.ARM64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
      taskRole,
      executionRole,
    });
    const linuxParameters = new ecs.LinuxParameters(this, 'LinuxParameters', { initProcessEnabled: true });
    linuxParameters.dropCapabilities(ecs.Capability.ALL);
    const url = `http://127.0.0.1:${containerPort}${props.healthCheckPath}`;
    this.container = this.taskDefinition.addContainer('App', {
      image: props.image,
      user,
      readonlyRootFilesystem: true,
      privileged: false,
      linuxParameters,
      memoryLimitMiB,
      environment: props.environment,
      secrets: props.secrets,
      portMappings: [{ containerPort, protocol: ecs.Protocol.TCP, name: 'http' }],
      healthCheck: {
        command: props.healthCheckCommand ?? ['CMD-SHELL', `curl -fsS ${url} > /dev/null || wget -q -O /dev/null ${url} || exit 1`],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(60),
      },
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'app', mode: ecs.AwsLogDriverMode.NON_BLOCKING, maxBufferSize: Size.mebibytes(25) }),
    });
    this.acknowledgeImagePullToken(executionRole);
    if (Object.keys(props.environment ?? {}).length > 0) this.acknowledgeEnvironment();
    writablePaths.forEach((path, i) => {
      const name = `writable-${i}`;
      this.taskDefinition.addVolume({ name });
      this.container.addMountPoints({ sourceVolume: name, containerPath: path, readOnly: false });
    });

    const serviceSecurityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Tasks of ${this.node.path}: HTTP from the load balancer only`,
      allowAllOutbound: true,
    });
    const namespace = props.serviceDiscovery ? this.namespaceFor(props.serviceDiscovery, props.vpc) : undefined;
    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: minCapacity,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      assignPublicIp: false,
      vpcSubnets: { subnets: taskSubnets },
      securityGroups: [serviceSecurityGroup],
      circuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriod: gracePeriod,
      platformVersion: ecs.FargatePlatformVersion.LATEST,
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      enableECSManagedTags: true,
      cloudMapOptions: props.serviceDiscovery ? {
        name: props.serviceDiscovery.name,
        cloudMapNamespace: namespace,
        dnsRecordType: servicediscovery.DnsRecordType.A,
        dnsTtl: Duration.seconds(10),
        containerPort,
      } : undefined,
    });
    this.cloudMapService = this.service.cloudMapService;
    this.connections = this.service.connections;

    const lbSecurityGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc: props.vpc,
      description: `Load balancer of ${this.node.path}: HTTPS (and HTTP to redirect) from ${internetFacing ? 'the internet' : 'inside the VPC'}`,
      allowAllOutbound: false,
    });
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      internetFacing,
      vpcSubnets: internetFacing ? { subnetType: ec2.SubnetType.PUBLIC } : { subnets: taskSubnets },
      securityGroup: lbSecurityGroup,
      dropInvalidHeaderFields: true,
      deletionProtection,
      desyncMitigationMode: elbv2.DesyncMitigationMode.STRICTEST,
      http2Enabled: true,
    });
    this.loadBalancerDnsName = this.loadBalancer.loadBalancerDnsName;
    const peer = internetFacing ? ec2.Peer.anyIpv4() : ec2.Peer.ipv4(literalCidrOf(props.vpc));

    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'Targets', {
      vpc: props.vpc,
      port: containerPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        path: props.healthCheckPath,
        healthyHttpCodes: '200-399',
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });
    this.targetGroup.addTarget(this.service.loadBalancerTarget({ containerName: 'App', containerPort }));

    this.listener = this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [elbv2.ListenerCertificate.fromCertificateManager(props.certificate)],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      defaultTargetGroups: [this.targetGroup],
      open: false,
    });
    const redirect = this.loadBalancer.addListener('Http', {
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
      open: false,
    });
    Compliance.acknowledgeFamily(redirect, RuleFamily.ELBV2_ACM_CERTIFICATE,
      'This HTTP listener only answers 301 to the same URL over HTTPS (the listener on 443, with the ACM certificate): it forwards nothing, and an HTTP listener cannot hold a certificate.');
    if (internetFacing) {
      Compliance.acknowledge(lbSecurityGroup, 'AwsSolutions-EC23',
        'The internet-facing load balancer of a public HTTP service admits HTTPS (and HTTP, only redirected) from any address; the WebACL filters requests, and the tasks admit only this security group.');
    }
    lbSecurityGroup.addIngressRule(peer, ec2.Port.tcp(443), 'HTTPS from clients');
    lbSecurityGroup.addIngressRule(peer, ec2.Port.tcp(80), 'HTTP from clients, redirected to HTTPS');
    this.service.connections.allowFrom(lbSecurityGroup, ec2.Port.tcp(containerPort), 'HTTP from the load balancer');

    this.accessLogBucket = props.accessLogBucket ?? accessLogBucket(this, 'AccessLogs');
    this.logAccessTo(this.accessLogBucket);

    if (props.wafEnabled ?? true) {
      this.webAcl = props.webAcl ?? new RegionalWebAcl(this, 'WebAcl', props.waf);
      this.webAcl.associate(`${this.node.id}LoadBalancer`, this.loadBalancer.loadBalancerArn);
    }

    if (props.vpc.privateSubnets.length === 0 && props.vpc instanceof ec2.Vpc) {
      const vpc = props.vpc;
      this.node.addValidation({ validate: () => missingStartEndpoints(this, vpc) });
    }

    this.scaling = this.service.autoScaleTaskCount({ minCapacity, maxCapacity });
    this.scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: targetCpu });
    this.scaling.scaleOnRequestCount('Requests', { requestsPerTarget, targetGroup: this.targetGroup });
    if (props.schedule) this.scheduleWorkingHours(props.schedule, minCapacity, maxCapacity);
  }

  private scheduleWorkingHours(schedule: ContainerServiceSchedule, minCapacity: number, maxCapacity: number): void {
    const weekDay = schedule.weekDays ?? 'MON-FRI';
    const timeZone = TimeZone.of(schedule.timeZone ?? 'UTC');
    this.scaling.scaleOnSchedule('WorkingHoursStart', {
      schedule: appscaling.Schedule.cron({ minute: '0', hour: String(schedule.startHour), weekDay }), timeZone, minCapacity, maxCapacity,
    });
    this.scaling.scaleOnSchedule('WorkingHoursStop', {
      schedule: appscaling.Schedule.cron({ minute: '0', hour: String(schedule.stopHour), weekDay }), timeZone, minCapacity: 0, maxCapacity: 0,
    });
  }

  /** Set an environment variable of the container (e.g. from `cache.clientEnvironment()`); not for secrets. */
  public addEnvironment(name: string, value: string): void {
    this.container.addEnvironment(name, value);
    this.acknowledgeEnvironment();
  }

  /**
   * AwsSolutions-ECS2 asks for no environment variables in the task definition because they are
   * readable by anyone who can describe it: the API keeps secrets apart (`secrets`, `addSecret`).
   */
  private acknowledgeEnvironment(): void {
    if (this.environmentAcknowledged) return;
    this.environmentAcknowledged = true;
    Compliance.acknowledge(this.taskDefinition, 'AwsSolutions-ECS2',
      'These environment variables are the non-secret configuration given as environment or addEnvironment (endpoints, names, ARNs); '
      + 'secrets reach the container only through secrets/addSecret, which ECS reads from Secrets Manager or SSM when the task starts.');
  }

  /** Give the container a secret as an environment variable, read by ECS when the task starts. */
  public addSecret(name: string, secret: ecs.Secret): void {
    this.container.addSecret(name, secret);
  }

  /**
   * Pulling from ECR needs ecr:GetAuthorizationToken, an action without resource-level
   * permissions: aws-cdk-lib grants it on `*` to the execution role (the image layers are granted
   * on the repository only).
   */
  private acknowledgeImagePullToken(executionRole: ManagedPolicyRole): void {
    const policy = executionRole.grantsPolicy;
    if (!policy || !JSON.stringify(Stack.of(this).resolve(policy.document)).includes('ecr:GetAuthorizationToken')) return;
    Compliance.acknowledge(policy, 'AwsSolutions-IAM5[Resource::*]',
      'ecr:GetAuthorizationToken has no resource-level permissions (IAM accepts only "*"); the image itself is pulled with actions granted on its repository only.');
  }

  private namespaceFor(discovery: ContainerServiceDiscovery, vpc: ec2.IVpc): servicediscovery.INamespace {
    if (discovery.cloudMapNamespace) return discovery.cloudMapNamespace;
    if (this.cluster.defaultCloudMapNamespace) return this.cluster.defaultCloudMapNamespace;
    // Only a cluster created here gets here: validate() refuses one of the user's without a namespace.
    return (this.cluster as ecs.Cluster).addDefaultCloudMapNamespace({ name: DEFAULT_NAMESPACE, vpc, useForServiceConnect: false });
  }

  /**
   * The load balancer's access logs to `bucket`, in a stack of any region. Elastic Load Balancing
   * writes them as a regional account in Regions opened before August 2022 and as the log delivery
   * service principal in later ones: with a known region that is decided here, in an
   * environment-agnostic stack by a mapping of the older Regions' accounts and a condition.
   */
  private logAccessTo(bucket: s3.IBucket): void {
    const stack = Stack.of(this);
    const prefix = 'alb';
    this.loadBalancer.setAttribute('access_logs.s3.enabled', 'true');
    this.loadBalancer.setAttribute('access_logs.s3.bucket', bucket.bucketName);
    this.loadBalancer.setAttribute('access_logs.s3.prefix', prefix);
    const objects = bucket.arnForObjects(`${prefix}/AWSLogs/${Aws.ACCOUNT_ID}/*`);
    let principal: iam.IPrincipal;
    if (!Token.isUnresolved(stack.region)) {
      const account = RegionInfo.get(stack.region).elbv2Account;
      principal = account ? new iam.AccountPrincipal(account) : new iam.ServicePrincipal(ELB_LOG_DELIVERY);
    } else {
      principal = new ElbLogDeliveryPrincipal(elbAccountLookup(stack));
    }
    bucket.addToResourcePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], principals: [principal], resources: [objects] }));
    this.loadBalancer.node.addDependency(bucket);
  }

  private validate(props: ContainerServiceProps, r: {
    containerPort: number;
    cpu: number;
    memoryLimitMiB: number;
    user: string;
    writablePaths: string[];
    minCapacity: number;
    maxCapacity: number;
    targetCpu: number;
    requestsPerTarget: number;
    gracePeriod: Duration;
    retention: logs.RetentionDays;
    internetFacing: boolean;
    taskSubnets: ec2.ISubnet[];
  }): void {
    const v = new Validation('ContainerService', this);
    v.matches('healthCheckPath', props.healthCheckPath, HEALTH_PATH, "a URL path starting with '/', e.g. '/health'");
    if (known(props.healthCheckPath) && props.healthCheckPath.length > 1024) v.fail('healthCheckPath', props.healthCheckPath, 'at most 1024 characters');
    v.integer('containerPort', r.containerPort, 1024, 65535);
    const memory = FARGATE_MEMORY[r.cpu];
    if (v.oneOf('cpu', r.cpu, Object.keys(FARGATE_MEMORY).map(Number)) && memory && known(r.memoryLimitMiB)) {
      const ok = (r.memoryLimitMiB >= memory.min && r.memoryLimitMiB <= memory.max && (r.memoryLimitMiB - memory.min) % memory.step === 0)
        || (memory.extra ?? []).includes(r.memoryLimitMiB);
      const allowed = [memory.min, ...(memory.extra ?? [])].join(', ') + (memory.max > memory.min ? ` ... ${memory.max} in steps of ${memory.step}` : '');
      v.check('memoryLimitMiB', r.memoryLimitMiB, ok, `for cpu ${r.cpu}: ${allowed} MiB`);
    }
    if (known(r.user)) {
      v.check('user', r.user, r.user.length > 0 && !ROOT_USER.test(r.user), "a user other than root, 'uid' or 'uid:gid', e.g. '1000:1000'", 'runs as root');
    }
    r.writablePaths.forEach((path, i) => {
      v.check(`writablePaths[${i}]`, path, path.startsWith('/') && path !== '/' && !path.includes('..'), "an absolute path other than '/', e.g. '/tmp'");
    });
    v.integer('minCapacity', r.minCapacity, 1, 1000, 'tasks');
    v.integer('maxCapacity', r.maxCapacity, 1, 1000, 'tasks');
    if (known(r.minCapacity) && known(r.maxCapacity) && r.maxCapacity < r.minCapacity) {
      v.fail('maxCapacity', r.maxCapacity, `at least minCapacity (${r.minCapacity})`, 'is below minCapacity');
    }
    if (props.schedule) validateSchedule(v, props.schedule);
    v.range('targetCpuUtilization', r.targetCpu, 10, 90, 'percent');
    v.integer('requestsPerTarget', r.requestsPerTarget, 1, 1_000_000, 'requests per task per minute');
    v.duration('healthCheckGracePeriod', r.gracePeriod, { max: Duration.seconds(3600) });
    v.retention('logRetention', r.retention);
    for (const name of [...Object.keys(props.environment ?? {}), ...Object.keys(props.secrets ?? {})]) {
      v.matches(props.secrets && name in props.secrets ? `secrets.${name}` : `environment.${name}`, name, ENV_NAME, 'letters, digits and _, not starting with a digit');
    }
    for (const name of Object.keys(props.secrets ?? {})) {
      if (props.environment && name in props.environment) v.fail(`secrets.${name}`, name, 'a name not also in environment', 'is in environment too');
    }
    if (props.healthCheckCommand !== undefined) {
      const [kind] = props.healthCheckCommand;
      v.check('healthCheckCommand', props.healthCheckCommand, props.healthCheckCommand.length >= 2 && (kind === 'CMD' || kind === 'CMD-SHELL'),
        "['CMD', executable, ...args] or ['CMD-SHELL', command]");
    }
    if (props.webAcl && props.wafEnabled === false) {
      v.fail('webAcl, wafEnabled', described('webAcl given with wafEnabled false'), 'one of them');
    }
    validateWafSettings(v, props.waf, props.wafEnabled ?? true, props.webAcl ? 'webAcl' : undefined);
    if (props.serviceDiscovery && !props.serviceDiscovery.cloudMapNamespace && props.cluster && !props.cluster.defaultCloudMapNamespace) {
      v.fail('serviceDiscovery.cloudMapNamespace', described('not set'), 'a namespace, or a cluster with a default Cloud Map namespace', `and the cluster '${props.cluster.node.path}' has none`);
    }
    if (props.serviceDiscovery) v.matches('serviceDiscovery.name', props.serviceDiscovery.name, DISCOVERY_NAME, '1 to 63 of a-z 0-9 -, starting with a letter');
    if (r.internetFacing && props.vpc.publicSubnets.length === 0) {
      v.fail('vpc', props.vpc, 'a VPC with public subnets for the internet-facing load balancer (SecureVpc publicSubnets: true), or exposure: ServiceExposure.INTERNAL',
        'has no public subnets');
    }
    if (r.taskSubnets.length === 0) {
      v.fail('vpc', props.vpc, 'a VPC with private subnets (isolated or with egress) for the tasks', 'has no private subnets');
    }
    v.throwIfInvalid();
  }
}

/** The tasks' subnets: private with egress when the VPC has them (image pulls over NAT), isolated otherwise. */
function privateSubnetsOf(vpc: ec2.IVpc): ec2.ISubnet[] {
  return vpc.privateSubnets.length > 0 ? vpc.privateSubnets : vpc.isolatedSubnets;
}

/**
 * The VPC's range as written in its template when it is known (a VPC defined in the app), so the
 * packs can read the security group rule; the range attribute of an imported VPC otherwise.
 */
function literalCidrOf(vpc: ec2.IVpc): string {
  const cfn = vpc instanceof ec2.Vpc ? vpc.node.defaultChild : undefined;
  const cidr = cfn && ec2.CfnVPC.isCfnVPC(cfn) ? cfn.cidrBlock : undefined;
  return cidr !== undefined && !Token.isUnresolved(cidr) ? cidr : vpc.vpcCidrBlock;
}

/** What a task needs to start without NAT: the image (ECR API and registry) and the log driver. */
const START_ENDPOINTS: Array<[string, RegExp]> = [['ECR', /\.ecr\.api"/], ['ECR_DOCKER', /\.ecr\.dkr"/], ['CLOUDWATCH_LOGS', /\.logs"/]];

/**
 * Tasks in isolated subnets start only with interface endpoints for ECR and CloudWatch Logs in
 * the VPC; without them the deployment waits for tasks that never pull their image.
 */
function missingStartEndpoints(service: Construct, vpc: ec2.Vpc): string[] {
  const stack = Stack.of(vpc);
  const vpcId = JSON.stringify(stack.resolve(vpc.vpcId));
  const services = vpc.node.root.node.findAll()
    // Duck-typed (not instanceof): an app may load a second copy of aws-cdk-lib.
    .filter((c): c is ec2.CfnVPCEndpoint => ec2.CfnVPCEndpoint.isCfnVPCEndpoint(c) && Stack.of(c) === stack)
    .filter((e) => JSON.stringify(stack.resolve(e.vpcId)) === vpcId)
    .map((e) => JSON.stringify(stack.resolve(e.serviceName)));
  const missing = START_ENDPOINTS.filter(([, pattern]) => !services.some((name) => pattern.test(name))).map(([name]) => name);
  if (missing.length === 0) return [];
  return [`ContainerService '${service.node.path}': its tasks run in the isolated subnets of '${vpc.node.path}', which has no interface endpoint for ${missing.join(', ')}: `
    + 'the tasks could not pull their image or send their logs. Give the VPC NAT gateways, or the endpoints (SecureVpc interfaceEndpoints: SecureVpc.CONTAINER_ENDPOINTS).'];
}

/** The account of each Region where Elastic Load Balancing writes access logs as an account, `none` elsewhere. */
function elbAccountLookup(stack: Stack): { account: string; condition: CfnCondition } {
  const id = 'RampartElbLogDeliveryAccounts';
  let mapping = stack.node.tryFindChild(id) as CfnMapping | undefined;
  let condition = stack.node.tryFindChild(`${id}Legacy`) as CfnCondition | undefined;
  if (!mapping || !condition) {
    const values: Record<string, Record<string, string>> = {};
    for (const region of RegionInfo.regions) {
      values[region.name] = { account: region.elbv2Account ?? 'none' };
    }
    mapping = new CfnMapping(stack, id, { mapping: values });
    condition = new CfnCondition(stack, `${id}Legacy`, {
      expression: Fn.conditionNot(Fn.conditionEquals(mapping.findInMap(Aws.REGION, 'account'), 'none')),
    });
  }
  return { account: mapping.findInMap(Aws.REGION, 'account'), condition };
}

/**
 * The principal Elastic Load Balancing writes access logs as, decided at deploy time: the
 * Region's ELB account where there is one, the log delivery service principal elsewhere.
 */
class ElbLogDeliveryPrincipal extends iam.PrincipalBase {
  constructor(private readonly lookup: { account: string; condition: CfnCondition }) {
    super();
  }

  public get policyFragment(): iam.PrincipalPolicyFragment {
    const legacy = this.lookup.condition.logicalId;
    return new iam.PrincipalPolicyFragment({
      AWS: [Fn.conditionIf(legacy, `arn:${Aws.PARTITION}:iam::${this.lookup.account}:root`, Aws.NO_VALUE).toString()],
      Service: [Fn.conditionIf(legacy, Aws.NO_VALUE, ELB_LOG_DELIVERY).toString()],
    });
  }

  public toString(): string {
    return 'ElbLogDeliveryPrincipal';
  }

  public dedupeString(): string | undefined {
    return undefined;
  }
}

const WEEK_DAY = '(MON|TUE|WED|THU|FRI|SAT|SUN)';
const WEEK_DAYS = new RegExp(`^${WEEK_DAY}(-${WEEK_DAY})?(,${WEEK_DAY}(-${WEEK_DAY})?)*$`);
const TIME_ZONE = /^(UTC|[A-Z][A-Za-z_]+(\/[A-Za-z0-9_+-]+){1,2})$/;

function validateSchedule(v: Validation, schedule: ContainerServiceSchedule): void {
  v.integer('schedule.startHour', schedule.startHour, 0, 23, '(hour of the day)');
  v.integer('schedule.stopHour', schedule.stopHour, 0, 23, '(hour of the day)');
  if (known(schedule.startHour) && schedule.startHour === schedule.stopHour) {
    v.fail('schedule.stopHour', schedule.stopHour, 'an hour other than startHour', 'equals startHour (the service would never run)');
  }
  if (schedule.weekDays !== undefined) v.matches('schedule.weekDays', schedule.weekDays, WEEK_DAYS, "cron days of the week such as 'MON-FRI' or 'MON,WED,FRI'");
  if (schedule.timeZone !== undefined) v.matches('schedule.timeZone', schedule.timeZone, TIME_ZONE, "an IANA time zone such as 'Europe/Paris', or 'UTC'");
}
