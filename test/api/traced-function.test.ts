import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { HttpMethod, TracedApi, TracedFunction } from '../../src/api';
import { ConfigParameter, ConfigParameterType } from '../../src/config';
import { DataTable } from '../../src/data';
import { complianceReport } from '../support/compliance';

const code = () => lambda.Code.fromAsset(path.join(__dirname, 'fixtures', 'handler'));

function fixture(): { stack: Stack; fn: TracedFunction; logicalId: string } {
  const stack = new Stack(new App(), 'Fn');
  const fn = new TracedFunction(stack, 'Worker', { code: code(), handler: 'index.handler', serviceName: 'work' });
  return { stack, fn, logicalId: stack.getLogicalId(fn.function.node.defaultChild as lambda.CfnFunction) };
}

describe('TracedFunction acts for its function wherever a function or a grantable is expected', () => {
  test('a grant (table.grantReadWriteItems) goes to the execution role', () => {
    const { stack, fn } = fixture();
    const table = new DataTable(stack, 'Items', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    table.grantReadWriteItems(fn);
    expect(fn.grantPrincipal).toBe(fn.role);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: stack.getLogicalId(fn.role!.node.defaultChild as iam.CfnRole) }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['dynamodb:PutItem']) })]) },
    });
  });

  test('new LambdaIntegration(fn): API Gateway invokes the function and may call it', () => {
    const { stack, fn, logicalId } = fixture();
    const api = new apigateway.RestApi(stack, 'Api');
    api.root.addMethod('POST', new apigateway.LambdaIntegration(fn));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      Integration: Match.objectLike({ Type: 'AWS_PROXY', Uri: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([{ 'Fn::GetAtt': [logicalId, 'Arn'] }])]) }) }),
    });
    template.hasResourceProperties('AWS::Lambda::Permission', { FunctionName: { 'Fn::GetAtt': [logicalId, 'Arn'] }, Principal: 'apigateway.amazonaws.com' });
  });

  test('an event source maps to the function, and grantInvoke allows it', () => {
    const { stack, fn, logicalId } = fixture();
    const queue = new sqs.Queue(stack, 'Queue', { enforceSSL: true });
    fn.addEventSource(new sources.SqsEventSource(queue));
    fn.grantInvoke(new iam.ServicePrincipal('events.amazonaws.com'));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { FunctionName: { Ref: logicalId } });
    template.hasResourceProperties('AWS::Lambda::Permission', { FunctionName: { 'Fn::GetAtt': [logicalId, 'Arn'] }, Principal: 'events.amazonaws.com' });
    expect(fn.functionArn).toBe(fn.function.functionArn);
    expect(fn.functionName).toBe(fn.function.functionName);
    expect(fn.isBoundToVpc).toBe(false);
  });

  test('as existingFunction of a TracedApi route: the route answers with its function, which gets the config', () => {
    const { stack, fn, logicalId } = fixture();
    const setting = new ConfigParameter(stack, 'Setting', { envName: 'WORK_SETTING', valueType: ConfigParameterType.STRING, value: 'on' });
    const api = new TracedApi(stack, 'Api', {
      routes: [{ method: HttpMethod.POST, path: '/work', existingFunction: fn, config: [setting] }],
    });
    expect(api.functionFor(HttpMethod.POST, '/work')).toBe(fn.function);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ WORK_SETTING: Match.anyValue() }) },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', { FunctionName: { 'Fn::GetAtt': [logicalId, 'Arn'] }, Principal: 'apigateway.amazonaws.com' });
  });
});

describe('TracedFunction: actions on * after construction', () => {
  test('a table stream read (ListStreams on *) is acknowledged with that reason; another action on * stays a finding', () => {
    const app = new App();
    const stack = new Stack(app, 'Streams');
    const table = new DataTable(stack, 'Items', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, stream: dynamodb.StreamViewType.NEW_IMAGE });
    const consumer = new TracedFunction(stack, 'Consumer', { code: code(), handler: 'index.handler', serviceName: 'consume', synchronousInvocationReason: 'Invoked by the stream event source mapping in these tests.' });
    table.grantStreamRead(consumer);
    const other = new TracedFunction(stack, 'Other', { code: code(), handler: 'index.handler', serviceName: 'other' });
    other.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:ListAllMyBuckets'], resources: ['*'] }));
    const report = complianceReport(stack);
    const consumerSite = report.acknowledgementSites().find((s) => s.constructPath === 'Streams/Consumer/Role/Grants/Resource');
    expect(consumerSite?.reason).toMatch(/^Only dynamodb:ListStreams, which a DynamoDB stream event source calls/);
    expect(report.findings.map((f) => `${f.constructPath} ${f.ruleId}`)).toContain('Streams/Other/Role/Grants/Resource AwsSolutions-IAM5[Resource::*]');
  });
});
