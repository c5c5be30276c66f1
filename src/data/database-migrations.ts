import * as fs from 'fs';
import { CustomResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { Compliance, RuleFamily } from '../compliance';
import { DatabaseMigrationsFunction } from './database-migrations-function';
import { migrationFiles, migrationsHash } from './private/migration-files';
import type { RelationalDatabase } from './relational-database';
import { ManagedPolicyRole } from '../private/managed-policy-role';
import { Validation } from '../private/validation';

const TABLE = /^[a-z_][a-z0-9_]{0,62}$/;

/** Properties of `DatabaseMigrations`. */
export interface DatabaseMigrationsProps {
  /** The database to migrate. */
  readonly database: RelationalDatabase;

  /**
   * The folder of the migrations: its `.sql` files, applied in the order of their names (numbers
   * compared as numbers: `0001_accounts.sql`, `0002_orders.sql`...). A file may hold
   * `-- Up Migration` and `-- Down Migration` sections; only the up section runs.
   */
  readonly migrationsPath: string;

  /**
   * The table recording the applied migrations.
   *
   * @default 'schema_migrations'
   */
  readonly table?: string;

  /**
   * How long one deployment's migrations may take (1 to 15 minutes), waiting for another
   * deployment's included.
   *
   * @default Duration.minutes(10)
   */
  readonly timeout?: Duration;

  /**
   * How long the migration function's logs are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Schema migrations applied at deploy time: the `.sql` files of a folder, in order, by a custom
 * resource whose handler (bundled at build time, node-pg-migrate on `pg`) runs in the database's
 * VPC and logs in with the administrator secret. Applied files are recorded in a table and never
 * run twice; a deployment whose folder changed runs the new ones. The pending files of one
 * deployment apply in one transaction: when one fails, none stays and the deployment fails naming
 * the file. Concurrent deployments wait for each other (PostgreSQL advisory lock).
 *
 * The files reach the handler as a Lambda layer (the folder as an asset, hashed by its content);
 * nothing is bundled at synth. The function needs Secrets Manager from the VPC: an interface
 * endpoint (`SecureVpc` `interfaceEndpoints: [ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER]`)
 * or NAT; it answers CloudFormation through S3 (SecureVpc's gateway endpoint).
 *
 * @exampleMetadata fixture=construct
 * @example
 * import { DatabaseMigrations, RelationalDatabase } from 'cdk-rampart';
 *
 * const db = new RelationalDatabase(this, 'Database', { vpc });
 * new DatabaseMigrations(this, 'Migrations', { database: db, migrationsPath: 'migrations' });
 */
export class DatabaseMigrations extends Construct {
  /** The migration function. */
  public readonly function: lambda.Function;
  /** The layer holding the migration files. */
  public readonly files: lambda.LayerVersion;
  /** The custom resource; its `Applied` attribute lists the files a deployment applied. */
  public readonly resource: CustomResource;
  /** The function's security group. */
  public readonly securityGroup: ec2.ISecurityGroup;
  /** The function's log group. */
  public readonly logGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: DatabaseMigrationsProps) {
    super(scope, id);
    const table = props.table ?? 'schema_migrations';
    const timeout = props.timeout ?? Duration.minutes(10);
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const v = new Validation('DatabaseMigrations', this);
    const isFolder = fs.existsSync(props.migrationsPath) && fs.statSync(props.migrationsPath).isDirectory();
    if (!isFolder) {
      v.fail('migrationsPath', props.migrationsPath, 'a folder holding .sql files', 'is not a folder');
    } else if (migrationFiles(props.migrationsPath).length === 0) {
      v.fail('migrationsPath', props.migrationsPath, 'a folder holding at least one .sql file', 'holds no .sql file');
    }
    v.matches('table', table, TABLE, 'lowercase letters, digits and _, starting with a letter or _, at most 63 characters');
    v.duration('timeout', timeout, { min: Duration.minutes(1), max: Duration.minutes(15) });
    v.retention('logRetention', logRetention);
    v.throwIfInvalid();
    const db = props.database;

    this.files = new lambda.LayerVersion(this, 'Files', {
      code: lambda.Code.fromAsset(props.migrationsPath),
      description: `Migration files of ${db.node.path}`.slice(0, 256),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.logGroup = new logs.LogGroup(this, 'Logs', { encryptionKey: db.encryptionKey, retention: logRetention, removalPolicy: RemovalPolicy.RETAIN });
    const role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Applies the schema migrations of ${db.node.path}`.slice(0, 1000),
    });
    this.logGroup.grantWrite(role);
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      // Lambda manages the function's network interfaces, X-Ray takes its traces; neither supports resource-level permissions.
      actions: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses',
        'ec2:UnassignPrivateIpAddresses', 'xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
      resources: ['*'],
    }));
    db.grantReadSecret(role);

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: db.vpc,
      description: `Schema migrations of ${db.node.path}: the database, Secrets Manager and the CloudFormation response URL`,
      allowAllOutbound: false,
    });
    // HTTPS to Secrets Manager (an interface endpoint) and to S3 (the response URL); the subnets' routes decide where it can go.
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to Secrets Manager and to the CloudFormation response URL (S3)');
    this.securityGroup = securityGroup;
    db.connections.allowDefaultPortFrom(securityGroup, `Schema migrations of ${db.node.path}`);

    this.function = new DatabaseMigrationsFunction(this, 'Function', {
      description: `Applies the schema migrations of ${db.node.path} (DatabaseMigrations custom resource)`.slice(0, 256),
      role: role.withoutPolicyUpdates(),
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: timeout.plus(Duration.seconds(30)),
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environmentEncryption: db.encryptionKey,
      layers: [this.files],
      vpc: db.vpc,
      vpcSubnets: db.vpcSubnets,
      securityGroups: [securityGroup],
      environment: {
        MIGRATIONS_DIR: '/opt',
        // The RDS certificate authorities, for the TLS connection Aurora requires.
        NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
      },
    });
    this.function.node.addDependency(role);

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.function.functionArn,
      resourceType: 'Custom::DatabaseMigrations',
      removalPolicy: RemovalPolicy.RETAIN,
      properties: {
        Host: db.endpoint,
        Port: String(db.port),
        Database: db.databaseName,
        SecretArn: db.secret.secretArn,
        Table: table,
        // A changed folder changes the properties: CloudFormation sends an Update, the new files run.
        MigrationsHash: migrationsHash(props.migrationsPath),
      },
    });
    // The writer must be up, and the function must keep its permissions and network until the migrations ran.
    this.resource.node.addDependency(db.cluster, role, securityGroup);
    this.acknowledgeFindings(role);
  }

  private acknowledgeFindings(role: ManagedPolicyRole): void {
    Compliance.acknowledge(role.grantsPolicy!, 'AwsSolutions-IAM5[Resource::*]',
      'The network interface actions Lambda needs in a VPC and X-Ray PutTraceSegments/PutTelemetryRecords do not support resource-level permissions; every other statement names its resource.');
    const fn = this.function.node.defaultChild as lambda.CfnFunction;
    const reason = 'CloudFormation invokes this custom-resource handler only on stack create, update and delete;';
    Compliance.acknowledgeFamily(fn, RuleFamily.LAMBDA_CONCURRENCY,
      `${reason} it runs once per deployment, and reserving concurrency would take it from the account's pool (and fails on accounts at the minimum quota).`);
    Compliance.acknowledgeFamily(fn, RuleFamily.LAMBDA_DEAD_LETTER_QUEUE,
      `${reason} every failure is reported to CloudFormation through the response URL (the deployment fails and rolls back), so a dead-letter queue would hold nothing actionable.`);
  }
}
