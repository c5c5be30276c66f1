import * as path from 'path';
import { App, Duration, Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { HttpMethod, TracedApi, TracedFunction } from '../../src/api';
import { RedisCache } from '../../src/cache';
import { ContainerService } from '../../src/compute';
import { ConfigParameter, ConfigSecret } from '../../src/config';
import { DatabaseMigrations, DataTable, IdempotencyTable, RelationalDatabase } from '../../src/data';
import { DnsFailover, RecoveryBucket, ReplicatedBucket } from '../../src/dr';
import { LocationTracking } from '../../src/location';
import { WorkQueue } from '../../src/messaging';
import { ServiceMonitoring } from '../../src/monitoring';
import { SecureVpc } from '../../src/network';
import { DeliveryPipeline } from '../../src/pipeline';
import { described, PropsError, show, Validation } from '../../src/private/validation';
import { SecureSite } from '../../src/site';
import { EventArchive } from '../../src/stream';
import { CloudFrontWebAcl, EdgeWebAcl, RegionalWebAcl } from '../../src/waf';
import { pipelineStack, threeEnvironmentProps } from '../pipeline/fixtures';
import { COLUMNS } from '../stream/fixtures';

const code = () => lambda.Code.fromAsset(path.join(__dirname, '..', 'api', 'fixtures', 'handler'));
const stack = (env?: { account: string; region: string }) => new Stack(new App(), 'S', { env });
const EU_WEST_1 = { account: '123456789012', region: 'eu-west-1' };
const MIGRATIONS = path.join(__dirname, '..', 'data', 'fixtures', 'migrations');
/** A stack with a SecureVpc, for the constructs that live in one. */
const networked = () => {
  const s = stack();
  return { s, vpc: new SecureVpc(s, 'Network', { publicSubnets: true, interfaceEndpoints: SecureVpc.CONTAINER_ENDPOINTS }).vpc };
};

/** One invalid prop per construct: the error each throws must have the one shape. */
const CASES: Array<[kind: string, prop: string, build: () => unknown]> = [
  ['SecureSite', 'waf.geoDenyList', () => new SecureSite(stack(), 'C', { waf: { geoDenyList: ['XX'] } })],
  ['CloudFrontWebAcl', 'rateLimit', () => new CloudFrontWebAcl(stack(), 'C', { rateLimit: 1 })],
  ['RegionalWebAcl', 'managedRuleGroups', () => new RegionalWebAcl(stack(), 'C', { managedRuleGroups: ['NotARealGroup'] })],
  ['EdgeWebAcl', 'ipDenyList', () => new EdgeWebAcl(stack(), 'C', { ipDenyList: ['nope'] })],
  ['TracedApi', 'stageName', () => new TracedApi(stack(), 'C', {
    stageName: 'v 1',
    routes: [{ method: HttpMethod.GET, path: '/x', code: code(), handler: 'index.handler' }],
  })],
  ['TracedFunction', 'memorySize', () => new TracedFunction(stack(), 'C', { code: code(), handler: 'index.handler', serviceName: 's', memorySize: 64 })],
  ['RedisCache', 'engineVersion', () => {
    const s = stack();
    const vpc = new ec2.Vpc(s, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    return new RedisCache(s, 'C', { vpc, engineVersion: '6.0' });
  }],
  ['DnsFailover', 'recordName', () => {
    const s = stack();
    const zone = new route53.PublicHostedZone(s, 'Zone', { zoneName: 'example.com' });
    return new DnsFailover(s, 'C', {
      zone,
      recordName: '',
      endpoints: [{ domainName: 'a.example.net', region: 'eu-west-1' }, { domainName: 'b.example.net', region: 'eu-central-1' }],
    });
  }],
  ['RecoveryBucket', 'bucketName', () => new RecoveryBucket(stack(EU_WEST_1), 'C', { bucketName: 'Bad_Name' })],
  ['ReplicatedBucket', 'destination.region', () => new ReplicatedBucket(stack(EU_WEST_1), 'C', { destination: { bucketName: 'dr-copy', region: 'eu-west-1' } })],
  ['DataTable', 'pointInTimeRecoveryDays', () => new DataTable(stack(), 'C', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, pointInTimeRecoveryDays: 36 })],
  ['ConfigParameter', 'envName', () => new ConfigParameter(stack(), 'C', { envName: 'lower', value: 'x' })],
  ['ConfigSecret', 'generatedLength', () => new ConfigSecret(stack(), 'C', { envName: 'OK', generatedLength: 4 })],
  ['DeliveryPipeline', 'synthCommands', () => new DeliveryPipeline(pipelineStack(new App(), 'S'), 'C', threeEnvironmentProps({ synthCommands: [] }))],
  ['EventArchive', 'firstYear', () => new EventArchive(stack(), 'C', { columns: COLUMNS, firstYear: 1900 })],
  ['SecureVpc', 'maxAzs', () => new SecureVpc(stack(), 'C', { maxAzs: 0 })],
  ['WorkQueue', 'maxReceiveCount', () => new WorkQueue(stack(), 'C', { maxReceiveCount: 0 })],
  ['IdempotencyTable', 'pointInTimeRecoveryDays', () => new IdempotencyTable(stack(), 'C', { pointInTimeRecoveryDays: 36 })],
  ['RelationalDatabase', 'readers', () => {
    const { s, vpc } = networked();
    return new RelationalDatabase(s, 'C', { vpc, readers: 16 });
  }],
  ['DatabaseMigrations', 'table', () => {
    const { s, vpc } = networked();
    const database = new RelationalDatabase(s, 'Database', { vpc });
    return new DatabaseMigrations(s, 'C', { database, migrationsPath: MIGRATIONS, table: 'schema-migrations' });
  }],
  ['ContainerService', 'minCapacity', () => {
    const { s, vpc } = networked();
    return new ContainerService(s, 'C', {
      vpc,
      certificate: acm.Certificate.fromCertificateArn(s, 'Certificate', 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d'),
      healthCheckPath: '/health',
      image: ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(s, 'Repository', 'web'), 'v1'),
      minCapacity: 0,
    });
  }],
  ['ServiceMonitoring', 'serviceName', () => new ServiceMonitoring(stack(), 'C', { serviceName: 'shop prod' })],
  ['LocationTracking', 'trackerName', () => new LocationTracking(stack(), 'C', { trackerName: 'has spaces' })],
];

describe('one error format for every construct', () => {
  test.each(CASES)('%s names the prop, its value and what is allowed', (kind, prop, build) => {
    let error: unknown;
    try {
      build();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PropsError);
    const message = (error as PropsError).message;
    const escaped = prop.replace(/[.[\]]/g, '\\$&');
    expect(message).toMatch(new RegExp(`^${kind} 'S/C' has invalid props:\\n  - ${escaped}: .+; allowed: .+$`));
    expect((error as PropsError).problems).toEqual([expect.objectContaining({ prop })]);
  });
});

describe('Validation', () => {
  test('collects every problem and throws them as one error, in the order found', () => {
    const v = new Validation('Thing', 'App/Thing');
    v.fail('a', 1, 'an even number');
    v.fail('b', 'x', "'y'", 'is not y');
    expect(() => v.throwIfInvalid()).toThrow("Thing 'App/Thing' has invalid props:\n  - a: 1; allowed: an even number\n  - b: 'x' is not y; allowed: 'y'");
  });

  test('does nothing without problems', () => {
    expect(() => new Validation('Thing', 'x').throwIfInvalid()).not.toThrow();
  });

  test('shows values: strings quoted, lists as JSON, durations in words, constructs by path, long strings cut', () => {
    const s = stack();
    expect(show('a')).toBe("'a'");
    expect(show('line\nbreak')).toBe("'line\\nbreak'");
    expect(show(['a', 1])).toBe('["a",1]');
    expect(show(Duration.minutes(3))).toBe('3 minutes');
    expect(show(s)).toBe("'S'");
    expect(show(undefined)).toBe('not set');
    expect(show(described('both given'))).toBe('both given');
    expect(show('x'.repeat(300))).toMatch(/^'x{200}…' \(300 characters\)$/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(show(cyclic)).toBe('[object Object]');
  });

  test('guards skip unresolved tokens', () => {
    const v = new Validation('Thing', 'x');
    v.integer('n', Token.asNumber({ Ref: 'N' }), 1, 2);
    v.region('r', Token.asString({ Ref: 'R' }));
    v.accountId('a', Token.asString({ Ref: 'A' }));
    v.arn('k', Token.asString({ Ref: 'K' }), 'kms');
    v.oneOf('o', Token.asString({ Ref: 'O' }), ['a']);
    v.duration('d', Duration.seconds(Token.asNumber({ Ref: 'D' })), { max: Duration.seconds(1) });
    v.nonEmpty('l', Token.asList({ Ref: 'L' }), 'one');
    expect(v.problems).toEqual([]);
  });

  test('shared patterns: regions, account ids, ARNs, ranges, one-of, durations', () => {
    const v = new Validation('Thing', 'x');
    for (const ok of ['eu-west-1', 'us-gov-west-1', 'cn-north-1', 'ap-southeast-5', 'us-isob-east-1']) expect(v.region('r', ok)).toBe(true);
    expect(v.region('r', 'Ireland')).toBe(false);
    expect(v.accountId('a', '123456789012')).toBe(true);
    expect(v.accountId('a', '1234')).toBe(false);
    expect(v.arn('k', 'arn:aws:kms:eu-west-1:123456789012:key/abc', 'kms', undefined, /^key\//)).toBe(true);
    expect(v.arn('k', 'arn:aws:s3:::bucket', 'kms')).toBe(false);
    expect(v.integer('i', 1.5, 1, 2)).toBe(false);
    expect(v.range('f', 1.5, 1, 2)).toBe(true);
    expect(v.oneOf('o', 'c', ['a', 'b'])).toBe(false);
    expect(v.duration('d', Duration.minutes(2), { max: Duration.minutes(1) })).toBe(false);
    expect(v.problems.map((p) => `${p.prop}: ${p.value}; allowed: ${p.allowed}`)).toEqual([
      "r: 'Ireland' is not a region; allowed: a region name, e.g. 'eu-west-1'",
      "a: '1234' is not an account id; allowed: 12 digits",
      "k: 'arn:aws:s3:::bucket' is not a kms ARN; allowed: a kms ARN",
      'i: 1.5; allowed: an integer from 1 to 2',
      "o: 'c'; allowed: one of 'a', 'b'",
      'd: 2 minutes; allowed: 0 to 1 minute',
    ]);
  });

  test('within prefixes the props of a part; lines takes problems given as text', () => {
    const v = new Validation('Thing', 'x');
    v.within('usagePlan.', (w) => w.fail('quota', 0, 'at least 1'));
    v.lines('source', ["source.layout: 'flat'; allowed: 'folders'", 'something odd']);
    expect(v.problems).toEqual([
      { prop: 'usagePlan.quota', value: '0', allowed: 'at least 1' },
      { prop: 'source.layout', value: "'flat'", allowed: "'folders'" },
      { prop: 'source', value: 'something odd', allowed: 'see the message' },
    ]);
  });
});
