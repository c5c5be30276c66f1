import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { TracedFunction } from '../../src/api';
import { WorkQueue, WorkQueueProps } from '../../src/messaging';
import { PropsError } from '../../src/private/validation';
import { expectCompliant } from '../support/compliance';

function build(props: WorkQueueProps = {}) {
  const stack = new Stack(new App(), 'Messaging');
  const queue = new WorkQueue(stack, 'Work', props);
  return { stack, queue, get template() { return Template.fromStack(stack); } };
}

function worker(stack: Stack, id = 'Worker', timeout = Duration.seconds(30)) {
  return new TracedFunction(stack, id, {
    code: lambda.Code.fromInline('exports.handler = async () => ({ batchItemFailures: [] });'),
    handler: 'index.handler',
    serviceName: 'work',
    timeout,
    synchronousInvocationReason: 'Invoked by the SQS event source mapping only; failed messages return to the queue and then its dead-letter queue.',
  });
}

describe('WorkQueue', () => {
  test('defaults: KMS key, TLS only, DLQ after 5 receives kept 14 days, RETAIN', () => {
    const { template } = build();
    template.resourceCountIs('AWS::SQS::Queue', 2);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResource('AWS::SQS::Queue', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        KmsMasterKeyId: Match.anyValue(),
        MessageRetentionPeriod: 4 * 86400,
        VisibilityTimeout: 30,
        RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
      }),
    });
    template.hasResource('AWS::SQS::Queue', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ KmsMasterKeyId: Match.anyValue(), MessageRetentionPeriod: 14 * 86400, RedrivePolicy: Match.absent() }),
    });
    const policies = template.findResources('AWS::SQS::QueuePolicy');
    expect(Object.keys(policies)).toHaveLength(2);
    for (const p of Object.values(policies)) {
      expect(p.Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({
        Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }));
    }
  });

  test('FIFO with content-based deduplication; the DLQ is FIFO too and named after the queue', () => {
    const { template, queue } = build({ queueName: 'compositions.fifo' });
    expect(queue.fifo).toBe(true);
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'compositions.fifo', FifoQueue: true, ContentBasedDeduplication: true });
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'compositions-dlq.fifo', FifoQueue: true });
  });

  test('addConsumer: partial batch failures, batch size, concurrency, window; visibility 6 x timeout + window', () => {
    const { stack, queue } = build();
    const fn = worker(stack);
    queue.addConsumer(fn.function, { batchSize: 50, maxConcurrency: 5, maxBatchingWindow: Duration.seconds(2) });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 50,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 5 },
      MaximumBatchingWindowInSeconds: 2,
    });
    template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 6 * 30 + 2 });
    expect(queue.visibilityTimeout.toSeconds()).toBe(182);
  });

  test('the longest consumer sets the visibility timeout; an explicit one is kept', () => {
    const { stack, queue } = build();
    queue.addConsumer(worker(stack, 'A', Duration.seconds(60)).function);
    queue.addConsumer(worker(stack, 'B', Duration.seconds(10)).function);
    Template.fromStack(stack).hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 360 });

    const explicit = build({ visibilityTimeout: Duration.seconds(45) });
    explicit.queue.addConsumer(worker(explicit.stack).function);
    explicit.template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 45 });
  });

  test('grantSendMessages grants send and the key without wildcard actions; consume via grantConsumeMessages', () => {
    const { stack, queue } = build();
    const sender = worker(stack, 'Sender');
    queue.grantSendMessages(sender.function);
    const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements).toContainEqual(expect.objectContaining({ Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'] }));
    expect(statements).toContainEqual(expect.objectContaining({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'] }));
    expect(JSON.stringify(statements)).not.toMatch(/kms:[A-Za-z]+\*/);
  });

  test('removalPolicy DESTROY applies to both queues and the key', () => {
    const { template } = build({ removalPolicy: RemovalPolicy.DESTROY });
    expect(Object.values(template.findResources('AWS::SQS::Queue')).map((q) => q.DeletionPolicy)).toEqual(['Delete', 'Delete']);
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
  });

  describe('invalid props name the prop', () => {
    test('one error in the one format, every problem listed', () => {
      let error: unknown;
      try {
        build({ maxReceiveCount: 0, queueName: 'jobs', fifo: true });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PropsError);
      expect((error as PropsError).problems.map((p) => p.prop)).toEqual(['maxReceiveCount', 'queueName']);
      expect((error as PropsError).message).toMatch(/^WorkQueue 'Messaging\/Work' has invalid props:\n {2}- maxReceiveCount: 0; allowed: an integer from 1 to 1000 receives\n/);
    });

    test.each<[string, WorkQueueProps]>([
      ['maxReceiveCount', { maxReceiveCount: 0 }],
      ['maxReceiveCount', { maxReceiveCount: 2.5 }],
      ['visibilityTimeout', { visibilityTimeout: Duration.hours(13) }],
      ['retentionPeriod', { retentionPeriod: Duration.seconds(30) }],
      ['retentionPeriod', { retentionPeriod: Duration.days(15) }],
      ['queueName', { queueName: 'has spaces' }],
      ['queueName', { queueName: 'a'.repeat(78) }],
      ['queueName', { queueName: 'jobs', fifo: true }],
      ['queueName', { queueName: 'jobs.fifo', fifo: false }],
      ['contentBasedDeduplication', { contentBasedDeduplication: true }],
    ])('%s: %j', (prop, props) => {
      expect(() => build(props)).toThrow(new RegExp(`WorkQueue 'Messaging/Work' has invalid props:[\\s\\S]*- ${prop}: `));
    });

    test.each<[string, WorkQueueProps, Record<string, unknown>]>([
      ['batchSize', {}, { batchSize: 0 }],
      ['batchSize', {}, { batchSize: 100 }],
      ['batchSize', { fifo: true }, { batchSize: 100, maxBatchingWindow: Duration.seconds(1) }],
      ['maxConcurrency', {}, { maxConcurrency: 1 }],
      ['maxBatchingWindow', {}, { maxBatchingWindow: Duration.minutes(6) }],
      ['maxBatchingWindow', { fifo: true }, { maxBatchingWindow: Duration.seconds(1) }],
      ['visibilityTimeout', { visibilityTimeout: Duration.seconds(20) }, {}],
    ])('addConsumer %s', (prop, props, options) => {
      const { stack, queue } = build(props);
      const fn = worker(stack);
      expect(() => queue.addConsumer(fn.function, options)).toThrow(new RegExp(`invalid arguments of addConsumer:[\\s\\S]*- ${prop}: `));
    });
  });

  test('compliant with every pack under defaults', () => {
    const { stack } = build();
    expectCompliant(stack);
  });

  test('compliant with a consumer and a sender, standard and FIFO', () => {
    const { stack, queue } = build();
    queue.addConsumer(worker(stack).function, { maxConcurrency: 2 });
    queue.grantSendMessages(worker(stack, 'Sender').function);
    const fifo = new WorkQueue(stack, 'Fifo', { fifo: true });
    fifo.addConsumer(worker(stack, 'FifoWorker').function);
    expectCompliant(stack);
  });
});
