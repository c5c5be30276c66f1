import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { Compliance, RuleFamily } from '../compliance';
import { defaultSubnets, isGrantable } from '../private/data-placement';
import { allowCloudWatchLogs, secureKey } from '../private/kms-key';
import { known, Validation } from '../private/validation';

/** The engine a `RedisCache` runs. Both speak the Redis protocol; clients do not change. */
export enum RedisCacheEngine {
  /** Valkey, the open-source fork of Redis that ElastiCache prices lower. */
  VALKEY = 'valkey',
  /** Redis OSS. */
  REDIS = 'redis',
}

const AUTH_TOKEN_KEY = 'token';

const DEFAULT_ENGINE_VERSION: Record<RedisCacheEngine, string> = {
  [RedisCacheEngine.VALKEY]: '8.0',
  [RedisCacheEngine.REDIS]: '7.1',
};
const DEFAULT_NODE_TYPE = 'cache.t4g.small';
const DEFAULT_REPLICAS = 1;
const MAX_REPLICAS = 5;
// 6380 is the conventional TLS port for Redis; ElastiCache's default 6379 is what scanners probe first.
const DEFAULT_PORT = 6380;
const DEFAULT_SNAPSHOT_RETENTION_DAYS = 15;
const MAX_SNAPSHOT_RETENTION_DAYS = 35;
const DEFAULT_SNAPSHOT_WINDOW = '03:00-04:00';
const DEFAULT_MAINTENANCE_WINDOW = 'sun:05:00-sun:06:00';
const NODE_TYPE = /^cache\.[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const SNAPSHOT_WINDOW = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/;
const MAINTENANCE_WINDOW = /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/;
const ENGINE_VERSION = /^\d+(\.\d+){0,2}$/;
/**
 * The versions ElastiCache runs for node-based replication groups that deliver the slow log to
 * CloudWatch Logs (Redis OSS 6.0 and later; every Valkey version). Redis OSS ends at 7.1 on ElastiCache.
 */
const ENGINE_VERSIONS: Record<RedisCacheEngine, string[]> = {
  [RedisCacheEngine.VALKEY]: ['7.2', '8.0', '8.1', '8.2', '9.0', '9.1'],
  [RedisCacheEngine.REDIS]: ['6.0', '6.2', '7.0', '7.1'],
};

/** Properties of a `RedisCache`. */
export interface RedisCacheProps {
  /** The VPC the cache lives in. It needs private (isolated or with-egress) subnets. */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets of the cache nodes; they must be private.
   *
   * @default - the VPC's isolated subnets, or its private subnets with egress when it has no isolated ones
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The engine.
   *
   * @default RedisCacheEngine.VALKEY
   */
  readonly engine?: RedisCacheEngine;

  /**
   * The engine version: for Valkey `7.2`, `8.0`, `8.1`, `8.2`, `9.0` or `9.1`; for Redis OSS `6.0`,
   * `6.2`, `7.0` or `7.1` (the slow log delivery needs 6.0 or later).
   *
   * @default - `8.0` for Valkey, `7.1` for Redis OSS
   */
  readonly engineVersion?: string;

  /**
   * The node type, e.g. `cache.r7g.large`.
   *
   * @default 'cache.t4g.small'
   */
  readonly cacheNodeType?: string;

  /**
   * Read replicas next to the primary, each in another Availability Zone where possible (0 to 5).
   *
   * @default 1
   */
  readonly replicas?: number;

  /**
   * Promote a replica automatically when the primary fails, with the nodes spread over
   * Availability Zones (Multi-AZ). Needs at least one replica.
   *
   * @default true
   */
  readonly automaticFailover?: boolean;

  /**
   * The port clients connect to.
   *
   * @default 6380
   */
  readonly port?: number;

  /**
   * The KMS key that encrypts the data at rest, the snapshots, the AUTH token secret and the slow log.
   * A key you bring must let CloudWatch Logs use it for the slow log group.
   *
   * @default - a new key with yearly rotation
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Days to keep the automatic daily snapshots (1 to 35).
   *
   * @default 15
   */
  readonly snapshotRetentionDays?: number;

  /**
   * The daily UTC window of the automatic snapshot, `hh:mm-hh:mm`.
   *
   * @default '03:00-04:00'
   */
  readonly snapshotWindow?: string;

  /**
   * The weekly UTC maintenance window, `ddd:hh:mm-ddd:hh:mm`.
   *
   * @default 'sun:05:00-sun:06:00'
   */
  readonly maintenanceWindow?: string;

  /**
   * How long the slow log is kept in CloudWatch Logs.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the cache when it leaves the stack.
   *
   * @default RemovalPolicy.SNAPSHOT
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * A description shown in the ElastiCache console.
   *
   * @default - the construct path
   */
  readonly description?: string;
}

/**
 * An ElastiCache replication group running Valkey or Redis OSS in private subnets: Multi-AZ with
 * automatic failover, TLS required, encrypted at rest with KMS, an AUTH token generated in Secrets
 * Manager, daily snapshots, a maintenance window and the slow log in CloudWatch Logs. Its security
 * group admits nobody until you call `grantConnect` (or `connections.allowDefaultPortFrom`).
 *
 * Clients authenticate with the AUTH token (not RBAC users): one secret, readable only by the
 * principals you grant, and the rule AwsSolutions-AEC6 asks for it.
 *
 * @exampleMetadata fixture=construct
 * @example
 * import { RedisCache } from 'cdk-rampart';
 *
 * const cache = new RedisCache(stack, 'Cache', { vpc });
 * cache.grantConnect(fn);
 * fn.addEnvironment('REDIS_HOST', cache.endpointAddress);
 */
export class RedisCache extends Construct {
  /** The JSON key of the AUTH token inside the secret: `{"token": "..."}`. */
  public static readonly AUTH_TOKEN_KEY: string = AUTH_TOKEN_KEY;

  /** The replication group. */
  public readonly replicationGroup: elasticache.CfnReplicationGroup;
  /** The secret holding the AUTH token as JSON `{"token": "..."}`. */
  public readonly authToken: secretsmanager.ISecret;
  /** The key encrypting data at rest, the secret and the slow log. */
  public readonly encryptionKey: kms.IKey;
  /** The security group of the cache nodes. */
  public readonly securityGroup: ec2.ISecurityGroup;
  /** Network access to the cache: `cache.connections.allowDefaultPortFrom(client)`. */
  public readonly connections: ec2.Connections;
  /** The slow log. */
  public readonly slowLogGroup: logs.ILogGroup;
  /** The primary endpoint's DNS name (reads and writes). */
  public readonly endpointAddress: string;
  /** The reader endpoint's DNS name (reads spread over the replicas). */
  public readonly readerEndpointAddress: string;
  /** The port clients connect to. */
  public readonly port: number;
  /** Always true: the cache requires TLS. */
  public readonly tls: boolean = true;

  constructor(scope: Construct, id: string, props: RedisCacheProps) {
    super(scope, id);
    const engine = props.engine ?? RedisCacheEngine.VALKEY;
    const engineVersion = props.engineVersion ?? DEFAULT_ENGINE_VERSION[engine];
    const cacheNodeType = props.cacheNodeType ?? DEFAULT_NODE_TYPE;
    const replicas = props.replicas ?? DEFAULT_REPLICAS;
    const automaticFailover = props.automaticFailover ?? true;
    const port = props.port ?? DEFAULT_PORT;
    const snapshotRetentionDays = props.snapshotRetentionDays ?? DEFAULT_SNAPSHOT_RETENTION_DAYS;
    const snapshotWindow = props.snapshotWindow ?? DEFAULT_SNAPSHOT_WINDOW;
    const maintenanceWindow = props.maintenanceWindow ?? DEFAULT_MAINTENANCE_WINDOW;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.SNAPSHOT;
    const vpcSubnets = props.vpcSubnets ?? defaultSubnets(props.vpc);

    const v = new Validation('RedisCache', this);
    validate(v, props, {
      engine,
      engineVersion,
      cacheNodeType,
      replicas,
      automaticFailover,
      port,
      snapshotRetentionDays,
      snapshotWindow,
      maintenanceWindow,
      vpcSubnets,
    });
    v.throwIfInvalid();
    const subnets = props.vpc.selectSubnets(vpcSubnets!);
    // CloudWatch Logs encrypts the slow log group with the key, also with a key of the user's.
    this.encryptionKey = props.encryptionKey ?? secureKey(this, 'Key', {
      description: `Encrypts the cache ${this.node.path}: data at rest, snapshots, AUTH token and slow log`,
      forLogs: true,
    });
    if (props.encryptionKey) allowCloudWatchLogs(props.encryptionKey);

    const secret = new secretsmanager.Secret(this, 'AuthToken', {
      description: `AUTH token of the cache ${this.node.path}`,
      encryptionKey: this.encryptionKey,
      // ElastiCache accepts 16-128 printable characters without / " @; alphanumeric avoids quoting issues in clients.
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: RedisCache.AUTH_TOKEN_KEY,
        excludePunctuation: true,
        passwordLength: 64,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.authToken = secret;
    Compliance.acknowledgeFamily(secret, RuleFamily.SECRET_ROTATION,
      'The ElastiCache AUTH token has no AWS-provided rotation function; rotating it needs ModifyReplicationGroup with AuthTokenUpdateStrategy ROTATE then SET, run as a documented operation (docs: README RedisCache). '
      + 'The secret is KMS-encrypted and readable only by principals given grantConnect.');

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Cache ${this.node.path}: admits only the clients granted access`,
      allowAllOutbound: false,
    });
    this.securityGroup = securityGroup;
    this.connections = new ec2.Connections({ securityGroups: [securityGroup], defaultPort: ec2.Port.tcp(port) });

    const subnetGroup = new elasticache.CfnSubnetGroup(this, 'SubnetGroup', {
      description: `Private subnets of the cache ${this.node.path}`,
      subnetIds: subnets.subnetIds,
    });

    const slowLog = new logs.LogGroup(this, 'SlowLog', {
      retention: logRetention,
      encryptionKey: this.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.slowLogGroup = slowLog;

    const multiAz = automaticFailover && replicas >= 1;
    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'Resource', {
      replicationGroupDescription: props.description ?? `Cache ${this.node.path}`,
      engine,
      engineVersion,
      cacheNodeType,
      numCacheClusters: replicas + 1,
      automaticFailoverEnabled: automaticFailover,
      multiAzEnabled: multiAz,
      port,
      cacheSubnetGroupName: subnetGroup.ref,
      securityGroupIds: [securityGroup.securityGroupId],
      atRestEncryptionEnabled: true,
      kmsKeyId: this.encryptionKey.keyArn,
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      authToken: secret.secretValueFromJson(RedisCache.AUTH_TOKEN_KEY).unsafeUnwrap(),
      autoMinorVersionUpgrade: true,
      snapshotRetentionLimit: snapshotRetentionDays,
      snapshotWindow,
      preferredMaintenanceWindow: maintenanceWindow,
      logDeliveryConfigurations: [{
        destinationType: 'cloudwatch-logs',
        destinationDetails: { cloudWatchLogsDetails: { logGroup: slowLog.logGroupName } },
        logFormat: 'json',
        logType: 'slow-log',
      }],
    });
    this.replicationGroup.applyRemovalPolicy(removalPolicy);
    this.replicationGroup.node.addDependency(subnetGroup);
    if (engine === RedisCacheEngine.REDIS) {
      Compliance.acknowledge(this.replicationGroup, 'elasticache_repl_grp_rbac_auth_enabled_check',
        'Clients authenticate with an AUTH token generated in Secrets Manager (KMS-encrypted, readable only by granted principals). ElastiCache refuses AuthToken together with UserGroupIds, and AwsSolutions-AEC6 requires the AUTH token, so RBAC user groups are not used.');
    }

    this.endpointAddress = this.replicationGroup.attrPrimaryEndPointAddress;
    this.readerEndpointAddress = this.replicationGroup.attrReaderEndPointAddress;
    this.port = port;
  }

  /**
   * Let a client reach the cache on its port and, when the client has an IAM principal (a Lambda
   * function does), read the AUTH token.
   *
   * @param client a Lambda function, an ECS service, an instance... anything with security groups
   */
  public grantConnect(client: ec2.IConnectable): void {
    this.connections.allowDefaultPortFrom(client, `Redis clients: ${client instanceof Construct ? client.node.path : 'granted client'}`);
    if (isGrantable(client)) this.grantReadAuthToken(client);
  }

  /** Let a principal read the AUTH token (and decrypt it with the cache's key). */
  public grantReadAuthToken(grantee: iam.IGrantable): iam.Grant {
    return this.authToken.grantRead(grantee);
  }

  /**
   * The environment variables the runtime kit's Redis client (`createRedisClient` of `@cdk-rampart/lambda-kit/redis`) reads:
   * `REDIS_HOST`, `REDIS_PORT`, `REDIS_TLS` and `REDIS_SECRET_ARN`.
   */
  public clientEnvironment(): { [name: string]: string } {
    return {
      REDIS_HOST: this.endpointAddress,
      REDIS_PORT: String(this.port),
      REDIS_TLS: 'true',
      REDIS_SECRET_ARN: this.authToken.secretArn,
    };
  }
}

interface Resolved {
  readonly engine: RedisCacheEngine;
  readonly engineVersion: string;
  readonly cacheNodeType: string;
  readonly replicas: number;
  readonly automaticFailover: boolean;
  readonly port: number;
  readonly snapshotRetentionDays: number;
  readonly snapshotWindow: string;
  readonly maintenanceWindow: string;
  readonly vpcSubnets?: ec2.SubnetSelection;
}

function validate(v: Validation, props: RedisCacheProps, r: Resolved): void {
  if (!r.vpcSubnets) {
    v.fail('vpc', props.vpc, 'a VPC with private subnets, the cache never sits in public ones', 'has no private subnets (isolated or with egress)');
  } else {
    const publicIds = new Set(props.vpc.publicSubnets.map((s) => s.subnetId));
    let selected: ec2.SelectedSubnets | undefined;
    try {
      selected = props.vpc.selectSubnets(r.vpcSubnets);
    } catch (e) {
      v.fail('vpcSubnets', r.vpcSubnets, 'private subnets of the VPC', `selects no subnets of the VPC (${(e as Error).message})`);
    }
    if (selected) {
      const pub = selected.subnetIds.filter((id) => publicIds.has(id));
      if (pub.length > 0) v.fail('vpcSubnets', r.vpcSubnets, 'private (isolated or with egress) subnets only', `selects ${pub.length} public subnet(s)`);
      if (selected.subnetIds.length === 0) {
        v.fail('vpcSubnets', r.vpcSubnets, 'at least one private subnet', 'selects no subnets');
      } else if (r.automaticFailover && r.replicas >= 1 && new Set(selected.availabilityZones).size < 2) {
        v.fail('vpcSubnets', r.vpcSubnets, 'at least 2 with automaticFailover (Multi-AZ)', `spans ${new Set(selected.availabilityZones).size} Availability Zone`);
      }
    }
  }
  v.matches('cacheNodeType', r.cacheNodeType, NODE_TYPE, "'cache.<family>.<size>', e.g. 'cache.t4g.small', 'cache.r7g.large'", 'is not a cache node type');
  if (v.matches('engineVersion', r.engineVersion, ENGINE_VERSION, "e.g. '8.0' (Valkey) or '7.1' (Redis OSS)", 'is not a version')) {
    v.oneOf('engineVersion', known(r.engineVersion) ? r.engineVersion : undefined, ENGINE_VERSIONS[r.engine], `is not an ElastiCache ${r.engine === RedisCacheEngine.VALKEY ? 'Valkey' : 'Redis OSS'} version this cache can run`);
  }
  if (v.integer('replicas', r.replicas, 0, MAX_REPLICAS) && known(r.replicas) && r.automaticFailover && r.replicas < 1) {
    v.fail('replicas', r.replicas, 'at least 1 replica to fail over to, or automaticFailover: false', 'with automaticFailover on');
  }
  v.integer('port', r.port, 1024, 65535);
  v.integer('snapshotRetentionDays', r.snapshotRetentionDays, 1, MAX_SNAPSHOT_RETENTION_DAYS);
  const snapshot = v.matches('snapshotWindow', r.snapshotWindow, SNAPSHOT_WINDOW, "'hh:mm-hh:mm' in UTC, e.g. '03:00-04:00'") && known(r.snapshotWindow)
    ? dailyWindow(r.snapshotWindow) : undefined;
  const maintenance = v.matches('maintenanceWindow', r.maintenanceWindow, MAINTENANCE_WINDOW, "'ddd:hh:mm-ddd:hh:mm' in UTC, e.g. 'sun:05:00-sun:06:00'") && known(r.maintenanceWindow)
    ? weeklyWindow(r.maintenanceWindow) : undefined;
  if (snapshot && snapshot.length === 0) v.fail('snapshotWindow', r.snapshotWindow, "a window that ends after it starts, e.g. '03:00-04:00'", 'is empty');
  if (maintenance && maintenance.length < 60) {
    v.fail('maintenanceWindow', r.maintenanceWindow, "at least 60 minutes (ElastiCache's minimum), e.g. 'sun:05:00-sun:06:00'", `is ${maintenance.length} minutes long`);
  }
  if (snapshot && maintenance && snapshot.length > 0 && overlaps(snapshot, maintenance)) {
    v.fail('snapshotWindow', r.snapshotWindow, 'a daily window that never overlaps the weekly maintenance window', `overlaps maintenanceWindow '${r.maintenanceWindow}'`);
  }
}

/** A window as its start (minutes from the start of the day or week) and its length in minutes; it may wrap. */
interface Window {
  readonly start: number;
  readonly length: number;
}

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAY = 24 * 60;
const WEEK = 7 * DAY;

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

function dailyWindow(text: string): Window {
  const [from, to] = text.split('-').map(minutes);
  return { start: from, length: (to - from + DAY) % DAY };
}

function weeklyWindow(text: string): Window {
  const [from, to] = text.split('-').map((t) => DAYS.indexOf(t.slice(0, 3)) * DAY + minutes(t.slice(4)));
  return { start: from, length: (to - from + WEEK) % WEEK };
}

/** Whether the daily snapshot window meets the weekly maintenance window on any day of the week. */
function overlaps(daily: Window, weekly: Window): boolean {
  for (let day = 0; day < 8; day++) {
    const s = day * DAY + daily.start - DAY;
    for (const m of [weekly.start - WEEK, weekly.start, weekly.start + WEEK]) {
      if (s < m + weekly.length && m < s + daily.length) return true;
    }
  }
  return false;
}
