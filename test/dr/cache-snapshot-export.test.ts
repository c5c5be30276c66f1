import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { PRIMARY, RECOVERY } from './fixtures';
import { RedisCache } from '../../src/cache';
import { CacheSnapshotExport, CacheSnapshotExportProps, RecoveryBucket } from '../../src/dr';
import { SecureVpc } from '../../src/network';
import { expectCompliant } from '../support/compliance';

/**
 * CacheSnapshotExport: scheduled snapshots of a RedisCache exported to a bucket of its region that
 * replicates to the recovery region, where ElastiCache may seed a new cluster from them.
 */

function setup(props: Partial<CacheSnapshotExportProps> = {}) {
  const app = new App();
  const recovery = new Stack(app, 'Recovery', { env: { region: RECOVERY } });
  const primary = new Stack(app, 'Primary', { env: { region: PRIMARY } });
  const { vpc } = new SecureVpc(primary, 'Network', { maxAzs: 2 });
  const cache = new RedisCache(primary, 'Cache', { vpc });
  const replica = new RecoveryBucket(recovery, 'CacheExports');
  CacheSnapshotExport.allowSeedingFrom(replica);
  const exporter = new CacheSnapshotExport(primary, 'CacheExport', { cache, recoveryBucket: replica, ...props });
  return { app, recovery, primary, cache, replica, exporter };
}

/** The state machine's definition, with its tokens joined into one string. */
function definitionOf(template: Template): any {
  const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0] as any;
  const parts = machine.Properties.DefinitionString['Fn::Join'][1];
  return JSON.parse(parts.map((p: unknown) => (typeof p === 'string' ? p : JSON.stringify(p).replace(/"/g, '\''))).join(''));
}

describe('CacheSnapshotExport', () => {
  const { primary, recovery, exporter, cache } = setup();
  const template = Template.fromStack(primary);
  const group = primary.getLogicalId(cache.replicationGroup);

  test('the job snapshots the cache, waits, exports to the bucket, waits, then deletes the snapshot; failures end it', () => {
    const states = definitionOf(template).States;
    expect(Object.keys(states).sort()).toEqual([
      'CreateSnapshot', 'DeleteSnapshot', 'DescribeExport', 'DescribeSnapshot', 'ExportDone', 'ExportSnapshot',
      'SnapshotDone', 'SnapshotFailed', 'WaitForExport', 'WaitForSnapshot',
    ]);
    expect(states.CreateSnapshot).toMatchObject({
      Resource: expect.stringContaining(':states:::aws-sdk:elasticache:createSnapshot'),
      Parameters: { 'ReplicationGroupId': `{'Ref':'${group}'}`, 'SnapshotName.$': `States.Format('${exporter.snapshotPrefix}-{}', $$.Execution.Name)` },
      Next: 'WaitForSnapshot',
      Retry: [expect.objectContaining({ ErrorEquals: ['States.ALL'], IntervalSeconds: 300, MaxAttempts: 4 })],
    });
    expect(states.SnapshotDone.Choices).toEqual([
      { Variable: '$.state.status', StringEquals: 'available', Next: 'ExportSnapshot' },
      { Variable: '$.state.status', StringEquals: 'creating', Next: 'WaitForSnapshot' },
    ]);
    expect(states.SnapshotDone.Default).toBe('SnapshotFailed');
    expect(states.ExportSnapshot).toMatchObject({
      Resource: expect.stringContaining(':states:::aws-sdk:elasticache:copySnapshot'),
      Parameters: { 'SourceSnapshotName.$': '$.snapshot.name', 'TargetSnapshotName.$': '$.snapshot.name', 'TargetBucket': expect.stringContaining('ExportsBucket') },
      Next: 'WaitForExport',
    });
    expect(states.ExportDone.Choices).toEqual([
      { Variable: '$.state.status', StringEquals: 'available', Next: 'DeleteSnapshot' },
      { Variable: '$.state.status', StringEquals: 'exporting', Next: 'WaitForExport' },
    ]);
    expect(states.DeleteSnapshot).toMatchObject({ Resource: expect.stringContaining('elasticache:deleteSnapshot'), End: true });
    expect(states.SnapshotFailed.Type).toBe('Fail');
  });

  test('every 6 hours by default, logged (ALL) to an encrypted log group and traced', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(6 hours)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ DeadLetterConfig: { Arn: { 'Fn::GetAtt': [primary.getLogicalId(exporter.undelivered.queue.node.defaultChild as any), 'Arn'] } } })],
    });
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: Match.anyValue(), RetentionInDays: 365 });
    expect(exporter.interval.toHours()).toBe(6);
  });

  test('the job may snapshot only this cache and touch only its own snapshots; the export needs the bucket listing checks', () => {
    expect(template.findResources('AWS::IAM::Policy')).toEqual({});
    const policy = Object.values(template.findResources('AWS::IAM::ManagedPolicy')).find((p: any) => JSON.stringify(p).includes('createSnapshot')) as any;
    const statements = policy.Properties.PolicyDocument.Statement as any[];
    const create = statements.find((s) => [s.Action].flat().includes('elasticache:createSnapshot'));
    const resources = JSON.stringify(create.Resource);
    expect(resources).toContain(':replicationgroup:');
    expect(resources).toContain(':cluster:');
    expect(resources).toContain(`snapshot:${exporter.snapshotPrefix}-*`);
    expect(resources).toContain(group);
    for (const action of ['elasticache:copySnapshot', 'elasticache:deleteSnapshot']) {
      const s = statements.find((x) => [x.Action].flat().includes(action));
      expect(JSON.stringify(s.Resource)).toContain(`snapshot:${exporter.snapshotPrefix}-*`);
      expect(JSON.stringify(s.Resource)).not.toContain('"*"');
    }
    expect(statements).toContainEqual(expect.objectContaining({ Action: ['s3:GetBucketLocation', 's3:ListAllMyBuckets'], Resource: '*' }));
  });

  test('ElastiCache of this region may write exports into the bucket (this account only) and use its key; exports expire after 7 days', () => {
    const bucketPolicy = Object.values(template.findResources('AWS::S3::BucketPolicy')).find((p: any) => JSON.stringify(p).includes('ElastiCacheExportsSnapshots')) as any;
    const statement = bucketPolicy.Properties.PolicyDocument.Statement.find((s: any) => s.Sid === 'ElastiCacheExportsSnapshots');
    expect(statement.Principal.Service).toEqual({ 'Fn::Join': ['', [{ Ref: 'AWS::Region' }, '.elasticache-snapshot.amazonaws.com']] });
    expect(statement.Action).toEqual(expect.arrayContaining(['s3:PutObject', 's3:GetBucketAcl', 's3:ListMultipartUploadParts']));
    expect(statement.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } });
    const keys = Object.values(template.findResources('AWS::KMS::Key')) as any[];
    expect(keys.some((k) => k.Properties.KeyPolicy.Statement.some((s: any) => s.Sid === 'ElastiCacheExportsSnapshots' && s.Action.includes('kms:GenerateDataKey*')))).toBe(true);
    template.hasResourceProperties('AWS::S3::Bucket', {
      ReplicationConfiguration: Match.anyValue(),
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Id: 'expire-exports', ExpirationInDays: 7, NoncurrentVersionExpiration: { NoncurrentDays: 1 } })]) },
    });
  });

  test('the recovery bucket lets ElastiCache of the recovery region read the exports to seed a cluster', () => {
    const recoveryTemplate = Template.fromStack(recovery);
    const bucketPolicy = Object.values(recoveryTemplate.findResources('AWS::S3::BucketPolicy')).find((p: any) => JSON.stringify(p).includes('ElastiCacheSeedsFromExports')) as any;
    const statement = bucketPolicy.Properties.PolicyDocument.Statement.find((s: any) => s.Sid === 'ElastiCacheSeedsFromExports');
    expect(statement.Action).toEqual(['s3:GetObject', 's3:ListBucket', 's3:GetBucketAcl']);
    const keys = Object.values(recoveryTemplate.findResources('AWS::KMS::Key')) as any[];
    expect(keys.some((k) => k.Properties.KeyPolicy.Statement.some((s: any) => s.Sid === 'ElastiCacheSeedsFromExports' && s.Action.includes('kms:Decrypt')))).toBe(true);
    // Nothing of the recovery stack refers to the primary region.
    expect(JSON.stringify(recoveryTemplate.toJSON())).not.toContain(PRIMARY);
  });
});

describe('CacheSnapshotExport props', () => {
  test('interval and retention are set; the schedule follows', () => {
    const { primary } = setup({ interval: Duration.hours(24), retentionDays: 3 });
    const template = Template.fromStack(primary);
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 day)' });
    template.hasResourceProperties('AWS::S3::Bucket', { LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Id: 'expire-exports', ExpirationInDays: 3 })]) } });
  });

  test('invalid props fail naming each prop, its value and what is allowed', () => {
    expect(() => setup({ interval: Duration.minutes(30), retentionDays: 0 })).toThrow(
      /interval: '30 minutes'; allowed: whole hours from 1 to 24[^]*retentionDays: 0; allowed: an integer from 1 to 365 days/);
    expect(() => setup({ interval: Duration.hours(36) })).toThrow(/interval: '1 day 12 hours'; allowed: whole hours from 1 to 24/);
    expect(() => setup({ destination: { bucketName: 'elsewhere', region: RECOVERY } })).toThrow(/recoveryBucket: .* and destination are both given; allowed: exactly one of recoveryBucket and destination/);
  });
});

describe('CacheSnapshotExport compliance', () => {
  test('the primary and recovery stacks pass every pack', () => {
    const { app } = setup();
    expectCompliant(app);
  });
});
