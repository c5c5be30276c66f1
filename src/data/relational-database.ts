import { Aws, Duration, Names, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DatabaseMigrations } from './database-migrations';
import { Compliance, RuleFamily } from '../compliance';
import { defaultSubnets, isGrantable } from '../private/data-placement';
import { allowCloudWatchLogs, secureKey } from '../private/kms-key';
import { ManagedPolicyRole } from '../private/managed-policy-role';
import { described, known, Validation } from '../private/validation';

const DEFAULT_READERS = 1;
const MAX_READERS = 15;
const DEFAULT_BACKUP_RETENTION_DAYS = 14;
const DEFAULT_MIN_CAPACITY = 0.5;
const DEFAULT_MAX_CAPACITY = 4;
// 5432 is what scanners probe first (AwsSolutions-RDS11); the proxy still listens on 5432.
const DEFAULT_PORT = 5433;
/** RDS Proxy listens on the engine's standard port, whatever the cluster's port is. */
const PROXY_PORT = 5432;
const DEFAULT_DATABASE_NAME = 'app';
const DEFAULT_MASTER_USERNAME = 'dbadmin';
const DEFAULT_BACKUP_WINDOW = '03:00-04:00';
const DEFAULT_MAINTENANCE_WINDOW = 'sun:05:00-sun:06:00';
const MONITORING_INTERVALS = [1, 5, 10, 15, 30, 60];
const IDENTIFIER = /^[a-z][a-z0-9_]{0,62}$/;
const RESERVED_NAMES = ['postgres', 'template0', 'template1', 'rdsadmin'];

/** Properties of a `RelationalDatabase`. */
export interface RelationalDatabaseProps {
  /** The VPC of the database; it needs private (isolated or with-egress) subnets in at least two Availability Zones. */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets of the cluster and the proxy; they must be private and span at least two Availability Zones.
   *
   * @default - the VPC's isolated subnets, or its private subnets with egress when it has no isolated ones
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The Aurora PostgreSQL version.
   *
   * @default rds.AuroraPostgresEngineVersion.VER_17_7
   */
  readonly engineVersion?: rds.AuroraPostgresEngineVersion;

  /**
   * Provisioned instances of this type (e.g. `db.r7g.large` as `ec2.InstanceType.of(ec2.InstanceClass.R7G, ec2.InstanceSize.LARGE)`)
   * instead of Aurora Serverless v2. Not together with `minCapacity` or `maxCapacity`.
   *
   * @default - Aurora Serverless v2 instances scaling from `minCapacity` to `maxCapacity`
   */
  readonly instanceType?: ec2.InstanceType;

  /**
   * The least Aurora capacity units (ACUs) of each Serverless v2 instance: 0.5 to 256 in steps of 0.5.
   *
   * @default 0.5
   */
  readonly minCapacity?: number;

  /**
   * The most Aurora capacity units (ACUs) of each Serverless v2 instance: 1 to 256 in steps of 0.5, at least `minCapacity`.
   *
   * @default 4
   */
  readonly maxCapacity?: number;

  /**
   * Reader instances next to the writer (0 to 15), spread over the Availability Zones. At least 1
   * in production: a reader in another zone is what Aurora fails over to in about 30 seconds;
   * with 0, a failed writer is replaced in about 10 minutes. 0 suits development stages. The first
   * reader scales with the writer (promotion tier 1), so it can take the writer's load on failover.
   *
   * @default 1
   */
  readonly readers?: number;

  /**
   * The database created in the cluster (lowercase letters, digits and `_`, starting with a letter, at most 63).
   *
   * @default 'app'
   */
  readonly databaseName?: string;

  /**
   * The administrator's user name (lowercase letters, digits and `_`, starting with a letter, at most 63).
   * RDS generates its password and keeps it in Secrets Manager, rotated every 7 days.
   *
   * @default 'dbadmin'
   */
  readonly masterUsername?: string;

  /**
   * The port of the cluster (1150 to 65535). RDS Proxy always listens on 5432.
   *
   * @default 5433
   */
  readonly port?: number;

  /**
   * Days to keep the continuous backups, that is how far back a point-in-time restore reaches (1 to 35).
   *
   * @default 14
   */
  readonly backupRetentionDays?: number;

  /**
   * Refuse to delete the cluster (through CloudFormation or the API) until this is turned off.
   *
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * What happens to the cluster when it leaves the stack. `DESTROY` needs `deletionProtection: false`.
   *
   * @default RemovalPolicy.SNAPSHOT
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * The KMS key that encrypts the storage, the backups, the administrator secret, Performance
   * Insights and the log group. A key you bring must let CloudWatch Logs use it.
   *
   * @default - a new key with yearly rotation
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * How long the PostgreSQL log exported to CloudWatch Logs is kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * How long Performance Insights keeps its data.
   *
   * @default rds.PerformanceInsightRetention.DEFAULT (7 days)
   */
  readonly performanceInsightRetention?: rds.PerformanceInsightRetention;

  /**
   * The interval of Enhanced Monitoring's operating system metrics: 1, 5, 10, 15, 30 or 60 seconds.
   *
   * @default Duration.seconds(60)
   */
  readonly monitoringInterval?: Duration;

  /**
   * An RDS Proxy in front of the writer, for Lambda clients: it pools connections, so that
   * thousands of concurrent functions do not exhaust the database's, and clients authenticate to
   * it with IAM over TLS.
   *
   * @default true
   */
  readonly proxy?: boolean;

  /**
   * A folder of `.sql` migrations to apply at each deployment (see `DatabaseMigrations`, which
   * this creates with its defaults; create one yourself for its options).
   *
   * @default - no migrations
   */
  readonly migrationsPath?: string;
}

/**
 * An Aurora PostgreSQL cluster that is always backed up and highly available in production:
 * Serverless v2 (or provisioned) writer and readers across Availability Zones, storage, backups,
 * secret, Performance Insights and logs encrypted with one KMS key, continuous backups kept 14 days,
 * deletion protection, a final snapshot when it leaves the stack, TLS required, IAM database
 * authentication, an administrator password generated and rotated by RDS in Secrets Manager,
 * Enhanced Monitoring, the PostgreSQL log in an encrypted log group, and an RDS Proxy for Lambda
 * clients. Its security groups admit nobody until you call `grantConnect`.
 *
 * @exampleMetadata fixture=construct
 * @example
 * import { RelationalDatabase } from 'cdk-rampart';
 *
 * const db = new RelationalDatabase(this, 'Database', { vpc });
 * db.grantConnect(fn);
 * fn.addEnvironment('DB_HOST', db.proxyEndpoint!);
 */
export class RelationalDatabase extends Construct {
  /** The Aurora cluster. */
  public readonly cluster: rds.DatabaseCluster;
  /** The RDS Proxy, unless `proxy: false`. */
  public readonly proxy?: rds.DatabaseProxy;
  /** The administrator's secret (JSON `username`, `password`), generated and rotated by RDS. */
  public readonly secret: secretsmanager.ISecret;
  /** The key encrypting storage, backups, secret, Performance Insights and logs. */
  public readonly encryptionKey: kms.IKey;
  /** The security group of the cluster. */
  public readonly securityGroup: ec2.ISecurityGroup;
  /** The security group of the proxy, unless `proxy: false`. */
  public readonly proxySecurityGroup?: ec2.ISecurityGroup;
  /** Network access to the cluster's port: `db.connections.allowDefaultPortFrom(client)`. */
  public readonly connections: ec2.Connections;
  /** The PostgreSQL log group. */
  public readonly logGroup: logs.ILogGroup;
  /** The writer endpoint's DNS name. */
  public readonly endpoint: string;
  /** The reader endpoint's DNS name (reads spread over the readers). */
  public readonly readerEndpoint: string;
  /** The proxy's DNS name (port 5432), unless `proxy: false`. */
  public readonly proxyEndpoint?: string;
  /** The cluster's port. */
  public readonly port: number;
  /** The port of the proxy: 5432. */
  public readonly proxyPort: number = PROXY_PORT;
  /** The database created in the cluster. */
  public readonly databaseName: string;
  /** The administrator's user name. */
  public readonly masterUsername: string;
  /** The cluster identifier. */
  public readonly clusterIdentifier: string;
  /** The VPC of the cluster and the proxy. */
  public readonly vpc: ec2.IVpc;
  /** The subnets of the cluster and the proxy. */
  public readonly vpcSubnets: ec2.SubnetSelection;
  /** The schema migrations, when `migrationsPath` is given. */
  public readonly migrations?: DatabaseMigrations;

  constructor(scope: Construct, id: string, props: RelationalDatabaseProps) {
    super(scope, id);
    const version = props.engineVersion ?? rds.AuroraPostgresEngineVersion.VER_17_7;
    const readers = props.readers ?? DEFAULT_READERS;
    const minCapacity = props.minCapacity ?? DEFAULT_MIN_CAPACITY;
    const maxCapacity = props.maxCapacity ?? DEFAULT_MAX_CAPACITY;
    const databaseName = props.databaseName ?? DEFAULT_DATABASE_NAME;
    const masterUsername = props.masterUsername ?? DEFAULT_MASTER_USERNAME;
    const port = props.port ?? DEFAULT_PORT;
    const backupRetentionDays = props.backupRetentionDays ?? DEFAULT_BACKUP_RETENTION_DAYS;
    const deletionProtection = props.deletionProtection ?? true;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.SNAPSHOT;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const performanceInsightRetention = props.performanceInsightRetention ?? rds.PerformanceInsightRetention.DEFAULT;
    const monitoringInterval = props.monitoringInterval ?? Duration.seconds(60);
    const withProxy = props.proxy ?? true;
    const vpcSubnets = props.vpcSubnets ?? defaultSubnets(props.vpc);

    const v = new Validation('RelationalDatabase', this);
    validate(v, props, {
      readers,
      minCapacity,
      maxCapacity,
      databaseName,
      masterUsername,
      port,
      backupRetentionDays,
      deletionProtection,
      removalPolicy,
      logRetention,
      monitoringInterval,
      vpcSubnets,
    });
    v.throwIfInvalid();
    this.vpc = props.vpc;
    this.vpcSubnets = vpcSubnets!;

    this.encryptionKey = props.encryptionKey ?? secureKey(this, 'Key', {
      description: `Encrypts the database ${this.node.path}: storage, backups, secret, Performance Insights and logs`,
      forLogs: true,
    });
    if (props.encryptionKey) allowCloudWatchLogs(props.encryptionKey);

    // The identifier is fixed here (not left to CloudFormation) so that the log group RDS exports
    // into exists, encrypted and with retention, before the cluster starts writing to it.
    this.clusterIdentifier = Names.uniqueResourceName(this, { maxLength: 60, separator: '-' }).toLowerCase().replace(/-+/g, '-');
    const logGroup = new logs.LogGroup(this, 'PostgresLog', {
      logGroupName: `/aws/rds/cluster/${this.clusterIdentifier}/postgresql`,
      encryptionKey: this.encryptionKey,
      retention: logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.logGroup = logGroup;

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Database ${this.node.path}: admits only the clients granted access`,
      allowAllOutbound: false,
    });
    this.securityGroup = securityGroup;

    const monitoringRole = new ManagedPolicyRole(this, 'MonitoringRole', {
      assumedBy: new iam.ServicePrincipal('monitoring.rds.amazonaws.com'),
      description: `Lets Enhanced Monitoring write the operating system metrics of ${this.node.path}`.slice(0, 1000),
    });
    // What the AWS managed AmazonRDSEnhancedMonitoringRole allows, for this account and region only.
    const metricsLogGroup = `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:RDSOSMetrics`;
    monitoringRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy'],
      resources: [metricsLogGroup],
    }));
    monitoringRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams', 'logs:GetLogEvents'],
      resources: [`${metricsLogGroup}:log-stream:*`],
    }));
    Compliance.acknowledge(monitoringRole.grantsPolicy!, 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:RDSOSMetrics:log-stream:*]',
      'Enhanced Monitoring writes one log stream per DB instance, named after its resource id, which RDS assigns at creation; the grant covers only the RDSOSMetrics log group of this account and region.');

    const instanceOptions = {
      autoMinorVersionUpgrade: true,
      publiclyAccessible: false,
      enablePerformanceInsights: true,
      performanceInsightRetention,
      performanceInsightEncryptionKey: this.encryptionKey,
    };
    const instance = (name: string, tier: number) => (props.instanceType
      ? rds.ClusterInstance.provisioned(name, { ...instanceOptions, instanceType: props.instanceType, promotionTier: tier })
      : rds.ClusterInstance.serverlessV2(name, { ...instanceOptions, scaleWithWriter: tier <= 1 }));

    this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
      clusterIdentifier: this.clusterIdentifier,
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version }),
      // RDS generates the password and rotates it in Secrets Manager (every 7 days), without a
      // rotation function to run in the VPC; the secret is encrypted with the database's key.
      credentials: rds.Credentials.fromUsername(masterUsername, { encryptionKey: this.encryptionKey }),
      manageMasterUserPassword: true,
      writer: instance('Writer', 0),
      readers: Array.from({ length: readers }, (_, i) => instance(`Reader${i + 1}`, i === 0 ? 1 : 2)),
      serverlessV2MinCapacity: props.instanceType ? undefined : minCapacity,
      serverlessV2MaxCapacity: props.instanceType ? undefined : maxCapacity,
      vpc: props.vpc,
      vpcSubnets,
      securityGroups: [securityGroup],
      port,
      defaultDatabaseName: databaseName,
      storageEncrypted: true,
      storageEncryptionKey: this.encryptionKey,
      backup: { retention: Duration.days(backupRetentionDays), preferredWindow: DEFAULT_BACKUP_WINDOW },
      preferredMaintenanceWindow: DEFAULT_MAINTENANCE_WINDOW,
      deletionProtection,
      removalPolicy,
      iamAuthentication: true,
      cloudwatchLogsExports: ['postgresql'],
      monitoringInterval,
      monitoringRole,
      parameters: { 'rds.force_ssl': '1' },
      copyTagsToSnapshot: true,
      autoMinorVersionUpgrade: true,
    });
    this.cluster.node.addDependency(logGroup);
    this.secret = this.cluster.secret!;
    // The literal port (the cluster's own connections carry it as a token, which no pack can read).
    this.connections = new ec2.Connections({ securityGroups: [securityGroup], defaultPort: ec2.Port.tcp(port) });
    this.endpoint = this.cluster.clusterEndpoint.hostname;
    this.readerEndpoint = this.cluster.clusterReadEndpoint.hostname;
    this.port = port;
    this.databaseName = databaseName;
    this.masterUsername = masterUsername;
    this.acknowledgeInstanceBackups();

    if (withProxy) {
      const proxySecurityGroup = new ec2.SecurityGroup(this, 'ProxySecurityGroup', {
        vpc: props.vpc,
        description: `Proxy of the database ${this.node.path}: admits only the clients granted access`,
        allowAllOutbound: false,
      });
      this.proxySecurityGroup = proxySecurityGroup;
      // The proxy reads the administrator secret; its grant goes into a customer managed policy.
      const proxyRole = new ManagedPolicyRole(this, 'ProxyRole', {
        assumedBy: new iam.ServicePrincipal('rds.amazonaws.com'),
        description: `Lets the RDS Proxy of ${this.node.path} read the database secret`.slice(0, 1000),
      });
      this.proxy = new rds.DatabaseProxy(this, 'Proxy', {
        // The target opens the cluster's port to the proxy through the cluster's connections, whose
        // port is a token no pack can read; this view of the cluster carries the literal port.
        proxyTarget: rds.ProxyTarget.fromCluster(Object.create(this.cluster, { connections: { value: this.connections } })),
        secrets: [this.secret],
        vpc: props.vpc,
        vpcSubnets,
        securityGroups: [proxySecurityGroup],
        role: proxyRole,
        iamAuth: true,
        requireTLS: true,
        debugLogging: false,
      });
      this.proxyEndpoint = this.proxy.endpoint;
    }
    if (props.migrationsPath !== undefined) {
      this.migrations = new DatabaseMigrations(this, 'Migrations', { database: this, migrationsPath: props.migrationsPath });
    }
  }

  /**
   * Let a client reach the database (the cluster on its port and the proxy on 5432) and, when the
   * client has an IAM principal (a Lambda function does), connect with IAM authentication as
   * `databaseUser`: through the proxy (which logs in with the administrator secret it holds) and
   * directly to the cluster (which needs a database role with `GRANT rds_iam`, created in a migration).
   *
   * @param client a Lambda function, an ECS service, an instance... anything with security groups
   * @param databaseUser the database user the client connects as; default: the administrator
   */
  public grantConnect(client: ec2.IConnectable, databaseUser?: string): void {
    const who = `Database clients: ${client instanceof Construct ? client.node.path : 'granted client'}`;
    this.connections.allowDefaultPortFrom(client, who);
    if (this.proxySecurityGroup) this.proxySecurityGroup.connections.allowFrom(client, ec2.Port.tcp(PROXY_PORT), who);
    if (isGrantable(client)) {
      const user = databaseUser ?? this.masterUsername;
      this.cluster.grantConnect(client, user);
      this.proxy?.grantConnect(client, user);
    }
  }

  /** Let a principal read the administrator secret (and decrypt it with the database's key), to log in with the password. */
  public grantReadSecret(grantee: iam.IGrantable): iam.Grant {
    return this.secret.grantRead(grantee);
  }

  /**
   * Aurora keeps the data in the cluster volume, which the cluster's own continuous backups cover;
   * its instances hold no data of their own, and AWS Backup protects Aurora per cluster only.
   */
  private acknowledgeInstanceBackups(): void {
    for (const child of this.cluster.node.children) {
      const cfn = child.node.defaultChild;
      if (!(cfn instanceof rds.CfnDBInstance)) continue;
      {
        Compliance.acknowledgeFamily(cfn, RuleFamily.RDS_IN_BACKUP_PLAN,
          'An Aurora instance holds no data: the cluster volume does, and the cluster\'s continuous automated backups (point-in-time restore over the retention period, 14 days by default, encrypted with the KMS key) cover it. '
          + 'AWS Backup protects Aurora per cluster, not per instance.');
      }
    }
  }
}

interface Resolved {
  readonly readers: number;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly databaseName: string;
  readonly masterUsername: string;
  readonly port: number;
  readonly backupRetentionDays: number;
  readonly deletionProtection: boolean;
  readonly removalPolicy: RemovalPolicy;
  readonly logRetention: logs.RetentionDays;
  readonly monitoringInterval: Duration;
  readonly vpcSubnets?: ec2.SubnetSelection;
}

function validate(v: Validation, props: RelationalDatabaseProps, r: Resolved): void {
  if (!r.vpcSubnets) {
    v.fail('vpc', props.vpc, 'a VPC with private subnets, the database never sits in public ones', 'has no private subnets (isolated or with egress)');
  } else {
    let selected: ec2.SelectedSubnets | undefined;
    try {
      selected = props.vpc.selectSubnets(r.vpcSubnets);
    } catch (e) {
      v.fail('vpcSubnets', r.vpcSubnets, 'private subnets of the VPC', `selects no subnets of the VPC (${(e as Error).message})`);
    }
    if (selected) {
      const publicIds = new Set(props.vpc.publicSubnets.map((s) => s.subnetId));
      const pub = selected.subnetIds.filter((id) => publicIds.has(id));
      if (pub.length > 0) v.fail('vpcSubnets', r.vpcSubnets, 'private (isolated or with egress) subnets only', `selects ${pub.length} public subnet(s)`);
      const zones = new Set(selected.availabilityZones).size;
      if (zones < 2) v.fail('vpcSubnets', r.vpcSubnets, 'subnets in at least 2 Availability Zones (an Aurora subnet group needs them)', `spans ${zones} Availability Zone(s)`);
    }
  }
  v.integer('readers', r.readers, 0, MAX_READERS);
  if (props.instanceType && (props.minCapacity !== undefined || props.maxCapacity !== undefined)) {
    v.fail('minCapacity, maxCapacity', described('given with instanceType'), 'capacity units for Serverless v2 (no instanceType), or instanceType alone for provisioned instances');
  }
  const halfSteps = (n: number) => Number.isInteger(n * 2);
  if (v.range('minCapacity', r.minCapacity, 0.5, 256, 'ACUs') && known(r.minCapacity) && !halfSteps(r.minCapacity)) {
    v.fail('minCapacity', r.minCapacity, 'a multiple of 0.5 ACUs');
  }
  if (v.range('maxCapacity', r.maxCapacity, 1, 256, 'ACUs') && known(r.maxCapacity) && !halfSteps(r.maxCapacity)) {
    v.fail('maxCapacity', r.maxCapacity, 'a multiple of 0.5 ACUs');
  }
  if (known(r.minCapacity) && known(r.maxCapacity) && r.maxCapacity < r.minCapacity) {
    v.fail('maxCapacity', r.maxCapacity, `at least minCapacity (${r.minCapacity})`, 'is below minCapacity');
  }
  v.matches('databaseName', r.databaseName, IDENTIFIER, 'lowercase letters, digits and _, starting with a letter, at most 63 characters');
  if (known(r.databaseName) && RESERVED_NAMES.includes(r.databaseName)) {
    v.fail('databaseName', r.databaseName, `a name other than ${RESERVED_NAMES.join(', ')}`, 'is reserved');
  }
  v.matches('masterUsername', r.masterUsername, IDENTIFIER, 'lowercase letters, digits and _, starting with a letter, at most 63 characters');
  if (known(r.masterUsername) && (r.masterUsername.startsWith('rds') || r.masterUsername.startsWith('pg_') || r.masterUsername === 'postgres')) {
    v.fail('masterUsername', r.masterUsername, "a name not starting with 'rds' or 'pg_' and other than 'postgres'", 'is reserved');
  }
  v.integer('port', r.port, 1150, 65535);
  v.integer('backupRetentionDays', r.backupRetentionDays, 1, 35, 'days');
  v.retention('logRetention', r.logRetention);
  v.duration('monitoringInterval', r.monitoringInterval, { oneOf: MONITORING_INTERVALS.map((s) => Duration.seconds(s)) });
  if (r.removalPolicy === RemovalPolicy.DESTROY && r.deletionProtection) {
    v.fail('removalPolicy', 'DESTROY', 'SNAPSHOT or RETAIN, or DESTROY with deletionProtection: false', 'with deletionProtection on (the delete would fail)');
  }
}

