import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { TracedFunction } from '../../src/api';
import { IdempotencyTable, IdempotencyTableProps } from '../../src/data';
import { expectCompliant } from '../support/compliance';

function build(props: IdempotencyTableProps = {}) {
  const stack = new Stack(new App(), 'Data');
  const table = new IdempotencyTable(stack, 'Idempotency', props);
  return { stack, table, get template() { return Template.fromStack(stack); } };
}

function handler(stack: Stack, id = 'CreatePass') {
  return new TracedFunction(stack, id, {
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
    handler: 'index.handler',
    serviceName: 'passes',
    timeout: Duration.seconds(10),
  });
}

describe('IdempotencyTable', () => {
  test('the Powertools preset: id (S), TTL expiration, on-demand, encrypted, PITR 7 days, RETAIN', () => {
    const { template } = build();
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        Replicas: [Match.objectLike({
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 7 },
        })],
      }),
    });
  });

  test('props pass through: name, PITR window, deletion protection, removal policy', () => {
    const { template } = build({ tableName: 'idem', pointInTimeRecoveryDays: 35, deletionProtection: false, removalPolicy: RemovalPolicy.DESTROY });
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({
        TableName: 'idem',
        Replicas: [Match.objectLike({
          DeletionProtectionEnabled: false,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 35 },
        })],
      }),
    });
  });

  test('grant: the four item actions on this table only, and the table name in the environment', () => {
    const { stack, table } = build();
    const fn = handler(stack);
    const other = handler(stack, 'Counter');
    table.grant(fn.function);
    table.grant(other.function, { envName: 'COUNTER_IDEMPOTENCY_TABLE' });
    const template = Template.fromStack(stack);
    const tableRef = { 'Fn::GetAtt': [Match.stringLikeRegexp('IdempotencyRecordsTable'), 'Arn'] };
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([{
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
          Resource: tableRef,
        }]),
      }),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ IDEMPOTENCY_TABLE: { Ref: Match.stringLikeRegexp('IdempotencyRecordsTable') } }) },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ COUNTER_IDEMPOTENCY_TABLE: { Ref: Match.stringLikeRegexp('IdempotencyRecordsTable') } }) },
    });
    expect(JSON.stringify(template.findResources('AWS::IAM::ManagedPolicy'))).not.toMatch(/dynamodb:(Scan|Query|\*)/);
  });

  test.each<[string, IdempotencyTableProps]>([
    ['pointInTimeRecoveryDays', { pointInTimeRecoveryDays: 0 }],
    ['pointInTimeRecoveryDays', { pointInTimeRecoveryDays: 36 }],
  ])('invalid %s names the prop', (prop, props) => {
    expect(() => build(props)).toThrow(new RegExp(`^IdempotencyTable 'Data/Idempotency' has invalid props:[\\s\\S]*- ${prop}: `));
  });

  test.each([['1BAD'], ['has-dash'], ['AWS_REGION']])('grant refuses envName %s', (envName) => {
    const { stack, table } = build();
    const fn = handler(stack);
    expect(() => table.grant(fn.function, { envName })).toThrow(/IdempotencyTable 'Data\/Idempotency' has invalid arguments of grant:\n {2}- envName: /);
  });

  test('compliant with every pack under defaults, granted to a function', () => {
    const { stack, table } = build();
    table.grant(handler(stack).function);
    expectCompliant(stack);
  });
});
