import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DataTable, DataTableEncryption, DataTableProps } from '../../src/data';
import { expectCompliant } from '../support/compliance';

const pk = { name: 'pk', type: dynamodb.AttributeType.STRING };

function build(props: Partial<DataTableProps> = {}, env?: { region: string; account?: string }) {
  const stack = new Stack(new App(), 'Data', { env });
  const table = new DataTable(stack, 'Items', { partitionKey: pk, ...props });
  return { stack, table, get template() { return Template.fromStack(stack); } };
}

describe('DataTable', () => {
  test('defaults: on-demand, PITR 35 days, deletion protection, RETAIN, AWS managed encryption', () => {
    const { template } = build();
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        Replicas: [Match.objectLike({
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 35 },
        })],
      }),
    });
    template.resourceCountIs('AWS::KMS::Key', 0);
  });

  test('customer managed key, TTL, stream, indexes and contributor insights', () => {
    const { template } = build({
      encryption: DataTableEncryption.CUSTOMER_MANAGED,
      timeToLiveAttribute: 'expiresAt',
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      contributorInsights: true,
      globalSecondaryIndexes: [{ indexName: 'byStatus', partitionKey: { name: 'status', type: dynamodb.AttributeType.STRING } }],
    }, { region: 'eu-west-1' });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'byStatus', Projection: { ProjectionType: 'ALL' } })],
      Replicas: [Match.objectLike({
        SSESpecification: { KMSMasterKeyId: Match.anyValue() },
        ContributorInsightsSpecification: { Enabled: true },
        GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'byStatus', ContributorInsightsSpecification: { Enabled: true } })],
      })],
    });
  });

  test('every replica carries deletion protection, PITR and contributor insights', () => {
    const { template } = build({ replicaRegions: ['eu-west-2', 'us-east-1'], contributorInsights: true, pointInTimeRecoveryDays: 14 }, { region: 'eu-west-1' });
    const table = Object.values(template.findResources('AWS::DynamoDB::GlobalTable'))[0];
    const replicas = table.Properties.Replicas as any[];
    expect(replicas.map((r) => r.Region).sort()).toEqual(['eu-west-1', 'eu-west-2', 'us-east-1']);
    for (const replica of replicas) {
      expect(replica).toMatchObject({
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 14 },
        ContributorInsightsSpecification: { Enabled: true },
      });
    }
    expect(table.DeletionPolicy).toBe('Retain');
  });

  test('grants stay least-privilege: no Scan, no wildcard index, key use only with a customer key', () => {
    const { stack, table } = build({
      encryption: DataTableEncryption.CUSTOMER_MANAGED,
      globalSecondaryIndexes: [{ indexName: 'byStatus', partitionKey: { name: 'status', type: dynamodb.AttributeType.STRING } }],
    }, { region: 'eu-west-1' });
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const indexReader = new iam.Role(stack, 'IndexReader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    table.grantReadItems(reader);
    table.grantQueryIndex(indexReader, 'byStatus');
    const template = Template.fromStack(stack);
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
    const actions = statements.flatMap((s: any) => [].concat(s.Action));
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'kms:Decrypt']));
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions.filter((a: string) => /^dynamodb:(Put|Update|Delete)/.test(a))).toEqual([]);
    expect(JSON.stringify(statements)).not.toContain('/index/*');
    expect(JSON.stringify(statements)).toContain('/index/byStatus');
    expect(() => table.grantStreamRead(reader)).toThrow(/DataTable '.*' has invalid props for grantStreamRead:\n  - stream: not set; allowed: a stream/);
  });

  test('validation names every bad prop', () => {
    const bad = (props: Partial<DataTableProps>, env?: { region: string }) => () => build(props, env);
    const gsi = (indexName: string, key = 'status') => ({ indexName, partitionKey: { name: key, type: dynamodb.AttributeType.STRING } });
    expect(bad({ globalSecondaryIndexes: [gsi('byStatus'), gsi('byStatus', 'other')] })).toThrow(/globalSecondaryIndexes\[1\].indexName: 'byStatus' is repeated/);
    expect(bad({ timeToLiveAttribute: 'pk' })).toThrow(/timeToLiveAttribute: 'pk' is also a key attribute/);
    expect(bad({ timeToLiveAttribute: 'status', globalSecondaryIndexes: [gsi('byStatus')] })).toThrow(/timeToLiveAttribute: 'status' is also a key/);
    expect(bad({ pointInTimeRecoveryDays: 36 })).toThrow(/pointInTimeRecoveryDays: 36/);
    expect(bad({ replicaRegions: ['eu-west-2'] })).toThrow(/replicaRegions: .* region-agnostic/);
    expect(bad({ replicaRegions: ['eu-west-1'] }, { region: 'eu-west-1' })).toThrow(/replicaRegions\[0\]: 'eu-west-1' is the stack's own region/);
    expect(bad({ replicaRegions: ['eu-west-2', 'eu-west-2'] }, { region: 'eu-west-1' })).toThrow(/replicaRegions\[1\]: 'eu-west-2' is repeated/);
    expect(bad({ replicaRegions: ['mars'] }, { region: 'eu-west-1' })).toThrow(/replicaRegions\[0\]: 'mars' is not a region; allowed: a region name/);
    expect(bad({ encryption: DataTableEncryption.CUSTOMER_MANAGED, replicaRegions: ['eu-west-2'] }, { region: 'eu-west-1' }))
      .toThrow(/replicaKeyArns: no key ARN for replica region 'eu-west-2'; allowed/);
    const cmk = { encryption: DataTableEncryption.CUSTOMER_MANAGED, replicaRegions: ['eu-west-2'] };
    expect(bad({ ...cmk, replicaKeyArns: { 'eu-west-2': 'arn:aws:kms:eu-west-1:111111111111:key/abc' } }, { region: 'eu-west-1' }))
      .toThrow(/replicaKeyArns\['eu-west-2'\]: 'arn:aws:kms:eu-west-1:111111111111:key\/abc' is in eu-west-1; allowed: a key in eu-west-2/);
    expect(bad({ ...cmk, replicaKeyArns: { 'eu-west-2': 'arn:aws:kms:eu-west-2:111111111111:key/abc', 'us-east-1': 'arn:aws:kms:us-east-1:111111111111:key/abc' } }, { region: 'eu-west-1' }))
      .toThrow(/replicaKeyArns\['us-east-1'\]: .* names a region that is not a replica region; allowed: keys for the replicaRegions only \(eu-west-2\)/);
    expect(bad({ ...cmk, replicaKeyArns: { 'eu-west-2': 'my-key' } }, { region: 'eu-west-1' })).toThrow(/replicaKeyArns\['eu-west-2'\]: 'my-key' is not a kms ARN/);
    expect(bad({ encryption: DataTableEncryption.CUSTOMER_MANAGED })).toThrow(/encryption: 'CUSTOMER_MANAGED' in a region-agnostic stack; allowed: a stack with an explicit region/);
    expect(bad({ encryptionKey: {} as any })).toThrow(/encryptionKey: .* given with encryption AWS_MANAGED/);
    expect(bad({ globalSecondaryIndexes: [{ ...gsi('byStatus'), nonKeyAttributes: ['a'] }] })).toThrow(/globalSecondaryIndexes\[0\].nonKeyAttributes: \["a"\] given with projectionType ALL; allowed: projectionType INCLUDE/);
    expect(bad({ globalSecondaryIndexes: Array.from({ length: 21 }, (_, i) => gsi(`index${i}`, `k${i}`)) })).toThrow(/globalSecondaryIndexes: 21 indexes; allowed: at most 20/);
  });

  test('default and customer-managed tables pass every compliance pack', () => {
    const app = new App();
    const stack = new Stack(app, 'CompliantData', { env: { region: 'eu-west-1' } });
    new DataTable(stack, 'Default', { partitionKey: pk });
    new DataTable(stack, 'Cmk', { partitionKey: pk, encryption: DataTableEncryption.CUSTOMER_MANAGED, removalPolicy: RemovalPolicy.RETAIN });
    expectCompliant(stack);
  });
});
