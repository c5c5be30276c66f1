import { Aspects, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, Node } from 'constructs';
import { Compliance, RuleFamily } from '../compliance';
import { LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY, validateTracedFunctionOptions } from './private/function-defaults';
import { secureKey } from '../private/kms-key';
import { ManagedPolicyRole } from '../private/managed-policy-role';
import { traceWithStackPolicy } from '../private/tracing-policy';
import { described, Validation } from '../private/validation';

/** Settings of a function that callers may override; the rest follows the team defaults. */
export interface TracedFunctionOptions {
  /**
   * Memory in MB (128 to 10240); CPU grows with it.
   *
   * @default 1024
   */
  readonly memorySize?: number;
  /**
   * Timeout. API Gateway waits at most 29 seconds for an integration.
   *
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * Extra environment variables (the Powertools ones are set for you).
   *
   * @default - none
   */
  readonly environment?: { [key: string]: string };
  /**
   * Reserve this much of the account's concurrency for the function, which also caps it.
   *
   * @default - no reservation: the stage throttle bounds the concurrency API traffic can cause
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Powertools and Lambda application log level.
   *
   * @default lambda.ApplicationLogLevel.INFO
   */
  readonly logLevel?: lambda.ApplicationLogLevel;
  /**
   * A description shown in the console.
   *
   * @default - none
   */
  readonly description?: string;
}

/** Properties of a `TracedFunction`. */
export interface TracedFunctionProps extends TracedFunctionOptions {
  /** The function's code (for example `lambda.Code.fromAsset('build/handlers/create-pass')`). */
  readonly code: lambda.Code;
  /** The handler, `file.export` (for example `index.handler`). */
  readonly handler: string;
  /** Service name for Powertools (`POWERTOOLS_SERVICE_NAME`): the name logs, traces and metrics share. */
  readonly serviceName: string;
  /**
   * CloudWatch metrics namespace for Powertools (`POWERTOOLS_METRICS_NAMESPACE`).
   *
   * @default - the service name
   */
  readonly metricsNamespace?: string;
  /**
   * KMS key encrypting the log group and the environment variables.
   *
   * @default - a new key with rotation on
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Log retention.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Run the function in these subnets of a VPC (to reach private resources such as Redis or a database).
   *
   * @default - not in a VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets within `vpc`.
   *
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Security groups for the function in `vpc`.
   *
   * @default - a new security group allowing all outbound traffic
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * Why this function is invoked synchronously only and so has no dead-letter queue; written into
   * the compliance acknowledgement. Set by `TracedApi`.
   *
   * @default - the function is assumed to be invoked synchronously by API Gateway
   */
  readonly synchronousInvocationReason?: string;
  /**
   * What bounds this function's concurrency while it has no `reservedConcurrentExecutions`, written
   * into the compliance acknowledgement: for example the maximum concurrency of its SQS event source,
   * or the shards of its stream.
   *
   * @default - for a function invoked by API Gateway (no `synchronousInvocationReason`), the API
   * stage throttle; otherwise a reason that names no bound, only that a reservation would take
   * capacity from the account
   */
  readonly concurrencyReason?: string;
  /**
   * The account's Lambda concurrency quota in this region, to check `reservedConcurrentExecutions` against.
   *
   * @default 1000
   */
  readonly accountConcurrency?: number;
}

/**
 * A Lambda function with the defaults a well-run team expects: the latest Node.js runtime on ARM64,
 * X-Ray active tracing, JSON logs to its own encrypted log group with retention, the Powertools
 * environment (service name, log level, metrics namespace), explicit memory and timeout,
 * encrypted environment variables and a role holding only what it is granted.
 *
 * It is a `lambda.IFunction` (and so an `iam.IGrantable`) that acts for its `function`: pass it to
 * grants (`table.grantReadWriteItems(fn)`), integrations (`new LambdaIntegration(fn)`), event
 * sources and targets; permissions, event source mappings and URLs land on `function`.
 *
 * @exampleMetadata fixture=construct
 * @example
 * import { TracedFunction } from 'cdk-rampart';
 *
 * const fn = new TracedFunction(this, 'CreatePass', {
 *   code: lambda.Code.fromAsset('build/handlers/create-pass'),
 *   handler: 'index.handler',
 *   serviceName: 'passes',
 * });
 * table.grantReadWriteItems(fn);
 */
export class TracedFunction extends lambda.FunctionBase {
  /** The function. */
  public readonly function: lambda.Function;
  /** Its log group. */
  public readonly logGroup: logs.LogGroup;
  /** Its execution role (always set; optional only as `lambda.IFunction` declares it). */
  public readonly role?: iam.Role;
  /** The function's name. */
  public readonly functionName: string;
  /** The function's ARN. */
  public readonly functionArn: string;
  /** The principal grants go to: the execution role. */
  public readonly grantPrincipal: iam.IPrincipal;
  /** The construct node where permissions are attached: the function's. */
  public readonly permissionsNode: Node;
  /** The function's architecture (ARM64). */
  public readonly architecture: lambda.Architecture;
  /** The function's tenancy configuration (none). */
  public readonly tenancyConfig?: lambda.TenancyConfig;
  protected readonly canCreatePermissions: boolean = true;
  /** The customer managed policy holding what the role is granted (created on the first grant). */
  public get grantsPolicy(): iam.ManagedPolicy | undefined {
    return (this.role as ManagedPolicyRole).grantsPolicy;
  }
  /** The key encrypting the log group and the environment. */
  public readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: TracedFunctionProps) {
    super(scope, id);

    const memorySize = props.memorySize ?? 1024;
    const timeout = props.timeout ?? Duration.seconds(10);
    const logLevel = props.logLevel ?? lambda.ApplicationLogLevel.INFO;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const metricsNamespace = props.metricsNamespace ?? props.serviceName;

    const v = new Validation('TracedFunction', this);
    validateTracedFunctionOptions(v, props, props.accountConcurrency ?? LAMBDA_DEFAULT_ACCOUNT_CONCURRENCY);
    v.matches('serviceName', props.serviceName, /^[A-Za-z0-9_.\-/]{1,128}$/, '1-128 of A-Z a-z 0-9 _ . - /');
    v.matches('handler', props.handler, /^[^\s]+\.[A-Za-z_$][\w$]*$/, "'file.export', e.g. 'index.handler'");
    if (props.concurrencyReason !== undefined) {
      v.check('concurrencyReason', props.concurrencyReason, props.concurrencyReason.trim().length > 0, 'a sentence saying what bounds the concurrency', 'blank');
    }
    if ((props.vpcSubnets || props.securityGroups) && !props.vpc) {
      v.fail('vpcSubnets/securityGroups', described('given'), 'them together with vpc', 'without vpc');
    }
    v.throwIfInvalid();

    this.encryptionKey = props.encryptionKey ?? secureKey(this, 'Key', { description: `Encrypts the logs and environment of ${this.node.path}`, forLogs: true });
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logRetention,
      encryptionKey: this.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // A role of our own: no AWSLambdaBasicExecutionRole (it writes to every log group in the account).
    const role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${this.node.path}`,
    });
    this.role = role;
    this.logGroup.grantWrite(role);
    if (props.vpc) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        // Lambda manages the function's network interfaces; these actions do not support resource-level permissions.
        actions: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
        resources: ['*'],
      }));
    }

    this.function = new lambda.Function(this, 'Function', {
      code: props.code,
      handler: props.handler,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize,
      timeout,
      description: props.description,
      role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: logLevel,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      environmentEncryption: this.encryptionKey,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      vpc: props.vpc,
      vpcSubnets: props.vpc ? props.vpcSubnets : undefined,
      securityGroups: props.vpc ? props.securityGroups : undefined,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
        POWERTOOLS_LOG_LEVEL: logLevel,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
    });
    // Active tracing, with X-Ray access from the stack's one tracing policy.
    traceWithStackPolicy(this.function, role);
    this.functionName = this.function.functionName;
    this.functionArn = this.function.functionArn;
    this.grantPrincipal = this.function.grantPrincipal;
    this.permissionsNode = this.function.node;
    this.architecture = this.function.architecture;
    this.tenancyConfig = this.function.tenancyConfig;

    this.acknowledgeFindings(props);
  }

  /** The ARNs `grantInvoke` names: the function's, and its versions and aliases. */
  public get resourceArnsForGrantInvoke(): string[] {
    return this.function.resourceArnsForGrantInvoke;
  }

  /** Whether the function runs in a VPC. */
  public get isBoundToVpc(): boolean {
    return this.function.isBoundToVpc;
  }

  /** The function's network connections (only when it runs in a VPC). */
  public get connections(): ec2.Connections {
    return this.function.connections;
  }

  /** The function's `$LATEST` version. */
  public get latestVersion(): lambda.IVersion {
    return this.function.latestVersion;
  }

  /** Adds a permission to the function's resource policy (on `function`). */
  public addPermission(id: string, permission: lambda.Permission): void {
    this.function.addPermission(id, permission);
  }

  /** Adds an event source to the function (its mapping is created on `function`). */
  public addEventSource(source: lambda.IEventSource): void {
    this.function.addEventSource(source);
  }

  /** Adds an event source mapping to the function (created on `function`). */
  public addEventSourceMapping(id: string, options: lambda.EventSourceMappingOptions): lambda.EventSourceMapping {
    return this.function.addEventSourceMapping(id, options);
  }

  /** Adds a function URL (created on `function`). */
  public addFunctionUrl(options?: lambda.FunctionUrlOptions): lambda.FunctionUrl {
    return this.function.addFunctionUrl(options);
  }

  /** Configures asynchronous invocation of the function. */
  public configureAsyncInvoke(options: lambda.EventInvokeConfigOptions): void {
    this.function.configureAsyncInvoke(options);
  }

  /** Applies the removal policy to the function. */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    this.function.applyRemovalPolicy(policy);
  }

  /** @internal */
  protected _functionNode(): Node {
    return this.function.node;
  }

  private acknowledgeUnscopedActions(): void {
    const policy = this.grantsPolicy;
    if (!policy) return;
    const statements = (policy.document.toJSON()?.Statement ?? []) as Array<{ Action?: string | string[]; Resource?: string | string[] }>;
    const actions = statements
      .filter((st) => ([] as string[]).concat(st.Resource ?? []).includes('*'))
      .flatMap((st) => ([] as string[]).concat(st.Action ?? []));
    // Anything else on `*` stays a finding for its author to scope or explain.
    if (actions.length === 0 || !actions.every((a) => UNSCOPED_ACTIONS[a] !== undefined)) return;
    const needs = [...new Set(actions.map((a) => UNSCOPED_ACTIONS[a]))].sort();
    Compliance.acknowledge(policy, 'AwsSolutions-IAM5[Resource::*]',
      `Only ${needs.join(' and ')}, which support no resource-level permissions; every other statement names its resource (X-Ray access comes from the stack's tracing policy).`);
  }

  private acknowledgeFindings(props: TracedFunctionProps): void {
    const fn = this.function.node.defaultChild as lambda.CfnFunction;
    const syncReason = props.synchronousInvocationReason
      ?? 'Invoked synchronously by API Gateway: the caller receives the error, and Lambda never queues the event, so a dead-letter queue or on-failure destination would never receive anything.';
    Compliance.acknowledgeFamily(fn, RuleFamily.LAMBDA_DEAD_LETTER_QUEUE, syncReason);
    Compliance.acknowledge(fn, 'Serverless-LambdaAsyncFailureDestination', syncReason);
    if (props.reservedConcurrentExecutions === undefined) {
      Compliance.acknowledgeFamily(fn, RuleFamily.LAMBDA_CONCURRENCY, concurrencyReason(props));
    }
    if (!props.vpc) {
      Compliance.acknowledgeFamily(fn, RuleFamily.LAMBDA_INSIDE_VPC,
        'The function reaches only AWS service endpoints (DynamoDB, SSM, Secrets Manager, X-Ray) over TLS with IAM-signed requests; a VPC would add NAT or endpoints without protecting any data path. Pass vpc when it must reach private resources.');
    }
    // Grants made after construction (event sources, table stream reads) may still add an action
    // without resource-level permissions: state the ones the policy holds once the app is built.
    Aspects.of(this).add({ visit: (node) => { if (node === this) this.acknowledgeUnscopedActions(); } });
  }
}

/** Actions granted on `*` because they support no resource-level permissions, each with what needs it. */
const UNSCOPED_ACTIONS: { [action: string]: string } = {
  'ec2:CreateNetworkInterface': 'the network interface actions Lambda needs in a VPC',
  'ec2:DescribeNetworkInterfaces': 'the network interface actions Lambda needs in a VPC',
  'ec2:DeleteNetworkInterface': 'the network interface actions Lambda needs in a VPC',
  'ec2:AssignPrivateIpAddresses': 'the network interface actions Lambda needs in a VPC',
  'ec2:UnassignPrivateIpAddresses': 'the network interface actions Lambda needs in a VPC',
  'dynamodb:ListStreams': 'dynamodb:ListStreams, which a DynamoDB stream event source calls to find the table\'s stream',
};

/** The reason a function without reserved concurrency gives: what bounds it, when that is known. */
function concurrencyReason(props: TracedFunctionProps): string {
  const reservation = 'a reservation takes capacity from every other function in the account';
  if (props.concurrencyReason !== undefined) return `No reserved concurrency: ${props.concurrencyReason.trim()} Set reservedConcurrentExecutions to cap it.`;
  if (props.synchronousInvocationReason === undefined) {
    return `No reserved concurrency by default: ${reservation}; the API stage throttle (rate and burst) bounds the concurrency traffic can cause. Set reservedConcurrentExecutions to cap it.`;
  }
  return `No reserved concurrency by default: ${reservation}. Set reservedConcurrentExecutions to cap it, or concurrencyReason to say what bounds it.`;
}
