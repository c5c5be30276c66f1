import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { REPLICATION_LATENCY_ALARM_MS } from '../../examples/pass/pass-monitoring-stack';
import { PassStage } from '../../examples/pass/pass-stage';
import { expectCompliant } from '../support/compliance';

// The two-region pass service's first deployable step: the pass table as a global table.

describe('the pass table as a global table', () => {
  const app = new App();
  const stage = new PassStage(app, 'Pass', { env: { account: '123456789012', region: 'ap-south-1' }, replicaRegions: ['ap-southeast-1'] });
  const template = Template.fromStack(stage.api);

  test('has a replica in each region, each keeping point-in-time recovery and deletion protection', () => {
    const tables = Object.values(template.findResources('AWS::DynamoDB::GlobalTable'));
    expect(tables).toHaveLength(1);
    const replicas = tables[0].Properties.Replicas as Record<string, any>[];
    expect(replicas.map((r) => r.Region).sort()).toEqual(['ap-south-1', 'ap-southeast-1']);
    for (const replica of replicas) {
      expect(replica.DeletionProtectionEnabled).toBe(true);
      expect(replica.PointInTimeRecoverySpecification).toMatchObject({ PointInTimeRecoveryEnabled: true });
    }
    expect(tables[0].DeletionPolicy).toBe('Retain');
  });

  test('passes every compliance pack', () => {
    const compliant = new App();
    new PassStage(compliant, 'Pass', { env: { account: '123456789012', region: 'ap-south-1' }, replicaRegions: ['ap-southeast-1'] });
    const report = expectCompliant(compliant);
    expect(report.summary().map((s) => s.stack).sort()).toEqual(['Pass/PassAnalytics', 'Pass/PassApi', 'Pass/PassMonitoring', 'Pass/PassSite']);
  });

  test('the backend stack with the replica (snapshot)', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('the monitoring pages when a replica falls behind: a ReplicationLatency alarm per receiving region, to the alarm topic', () => {
    const monitoring = Template.fromStack(stage.monitoring);
    const alarms = Object.values(monitoring.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'ReplicationLatency' } })) as any[];
    expect(alarms).toHaveLength(1);
    const p = alarms[0].Properties;
    expect(p).toMatchObject({ Namespace: 'AWS/DynamoDB', Statistic: 'Average', Threshold: REPLICATION_LATENCY_ALARM_MS, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching' });
    expect(p.Dimensions).toEqual(expect.arrayContaining([{ Name: 'ReceivingRegion', Value: 'ap-southeast-1' }]));
    expect(p.Dimensions.find((d: any) => d.Name === 'TableName').Value).toMatchObject({ 'Fn::ImportValue': expect.stringMatching(/PassApi/) });
    const topic = Object.keys(monitoring.findResources('AWS::SNS::Topic'))[0];
    expect(p.AlarmActions).toEqual([{ Ref: topic }]);
    // One region: nothing replicates, no such alarm.
    const single = new PassStage(new App(), 'Single', { env: { account: '123456789012', region: 'ap-south-1' } });
    Template.fromStack(single.monitoring).resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'ReplicationLatency' }, 0);
  });

  test('a replica needs the stage\'s region', () => {
    expect(() => new PassStage(new App(), 'Pass', { replicaRegions: ['ap-southeast-1'] })).toThrow(/replicaRegions/);
  });
});
