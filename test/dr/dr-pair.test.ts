import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { DataTable } from '../../src/data';
import { DnsFailover, RecoveryBucket, ReplicatedBucket } from '../../src/dr';
import { expectCompliant } from '../support/compliance';

const PRIMARY = 'eu-west-1';
const RECOVERY = 'eu-central-1';

/**
 * What must survive the loss of eu-west-1, in a few lines: the images bucket (S3 replication), the
 * passes table (a global-table replica) and the API name (DNS failover on health checks).
 * Only regions are set: synth needs no account.
 */
function drPair() {
  const app = new App();
  const recovery = new Stack(app, 'Recovery', { env: { region: RECOVERY } });
  const primary = new Stack(app, 'Primary', { env: { region: PRIMARY } });

  const replica = new RecoveryBucket(recovery, 'Images');
  new ReplicatedBucket(primary, 'Images', { recoveryBucket: replica, replicationTimeControl: true });
  new DataTable(primary, 'Passes', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    replicaRegions: [RECOVERY],
  });
  // DNS lives with the recovery side: failover must not need the primary region to deploy.
  const zone = route53.HostedZone.fromHostedZoneAttributes(recovery, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' });
  new DnsFailover(recovery, 'Api', {
    zone,
    recordName: 'api',
    endpoints: [
      { domainName: 'api-eu-west-1.example.com', region: PRIMARY },
      { domainName: 'api-eu-central-1.example.com', region: RECOVERY },
    ],
  });
  return { app, primary, recovery };
}

describe('a primary + recovery pair', () => {
  test('snapshots of both stacks', () => {
    const { primary, recovery } = drPair();
    expect(Template.fromStack(recovery).toJSON()).toMatchSnapshot();
    expect(Template.fromStack(primary).toJSON()).toMatchSnapshot();
  });

  test('the global table keeps a replica in the recovery region with deletion protection and PITR', () => {
    const { primary } = drPair();
    const protectedReplica = (region: string) => Match.objectLike({
      Region: region,
      DeletionProtectionEnabled: true,
      PointInTimeRecoverySpecification: Match.objectLike({ PointInTimeRecoveryEnabled: true }),
    });
    Template.fromStack(primary).hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: Match.arrayWith([protectedReplica(RECOVERY), protectedReplica(PRIMARY)]),
    });
  });

  test('the stacks are tied only by deploy order: recovery first, no cross-region references', () => {
    const { app, primary, recovery } = drPair();
    expect(primary.dependencies).toEqual([recovery]);
    expect(recovery.dependencies).toEqual([]);
    const assembly = app.synth();
    for (const name of ['Primary', 'Recovery']) {
      const template = assembly.getStackByName(name).template;
      expect(JSON.stringify(template)).not.toMatch(/Fn::ImportValue|CrossRegion/);
      const types = Object.values(template.Resources as Record<string, { Type: string }>).map((r) => r.Type);
      expect(types.filter((t) => t.startsWith('Custom::') || t === 'AWS::SSM::Parameter' || t === 'AWS::Lambda::Function')).toEqual([]);
    }
  });

  test('both stacks pass every pack', () => {
    const { app } = drPair();
    expectCompliant(app);
  });
});
