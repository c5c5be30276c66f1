import { App, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { TracedFunction } from '../../src/api';
import { LocationTracking, LocationTrackingProps, TrackerPositionFiltering } from '../../src/location';
import { PropsError } from '../../src/private/validation';
import { expectCompliant } from '../support/compliance';

function consumerFunction(stack: Stack, id = 'Consumer') {
  return new TracedFunction(stack, id, {
    code: lambda.Code.fromInline('exports.handler = async () => undefined;'),
    handler: 'index.handler',
    serviceName: 'tracking',
    synchronousInvocationReason: 'Invoked by an EventBridge rule whose target retries and then sends the event to the rule\'s dead-letter queue.',
  });
}

function build(props: (stack: Stack) => LocationTrackingProps = () => ({})) {
  const stack = new Stack(new App(), 'Tracking');
  const tracking = new LocationTracking(stack, 'Location', props(stack));
  return { stack, tracking, get template() { return Template.fromStack(stack); } };
}

/** Every statement of the stack's policies (managed and inline). */
function statements(template: Template): any[] {
  return [...Object.values(template.findResources('AWS::IAM::ManagedPolicy')), ...Object.values(template.findResources('AWS::IAM::Policy'))]
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

const trackerArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^LocationTracker'), 'Arn'] };

describe('LocationTracking', () => {
  test('defaults: accuracy-based filtering, events on, a rotating customer managed key, RETAIN, nothing else', () => {
    const { template, tracking } = build();
    template.resourceCountIs('AWS::Location::Tracker', 1);
    template.hasResource('AWS::Location::Tracker', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        TrackerName: Match.stringLikeRegexp('^Tracking-Location-[A-Z0-9]{8}$'),
        PositionFiltering: 'AccuracyBased',
        EventBridgeEnabled: true,
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LocationKey'), 'Arn'] },
      },
    });
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ EnableKeyRotation: true }) });
    template.resourceCountIs('AWS::Location::GeofenceCollection', 0);
    template.resourceCountIs('AWS::Location::TrackerConsumer', 0);
    template.resourceCountIs('AWS::Events::Rule', 0);
    template.resourceCountIs('AWS::SQS::Queue', 0);
    expect(tracking.rule).toBeUndefined();
    expect(tracking.deadLetterQueue).toBeUndefined();
    expect(tracking.geofenceCollection).toBeUndefined();
    expect(tracking.positionFiltering).toBe(TrackerPositionFiltering.ACCURACY_BASED);
    const stack = Stack.of(tracking);
    expect(stack.resolve(tracking.trackerName)).toEqual({ Ref: expect.stringMatching(/^LocationTracker/) });
    expect(stack.resolve(tracking.trackerArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^LocationTracker/), 'Arn'] });
  });

  test('a given name, filtering, description and key', () => {
    const { template } = build((stack) => ({
      trackerName: 'rewards.devices_1',
      positionFiltering: TrackerPositionFiltering.DISTANCE_BASED,
      description: 'Civilians and officers',
      encryptionKey: new kms.Key(stack, 'Mine', { enableKeyRotation: true }),
    }));
    template.hasResourceProperties('AWS::Location::Tracker', {
      TrackerName: 'rewards.devices_1',
      PositionFiltering: 'DistanceBased',
      Description: 'Civilians and officers',
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Mine'), 'Arn'] },
    });
    template.resourceCountIs('AWS::KMS::Key', 1);
  });

  test('geofences: a collection with the same key, linked to the tracker', () => {
    const { template, tracking } = build(() => ({ geofences: true, description: 'Zones' }));
    expect(tracking.geofenceCollection).toBeDefined();
    template.hasResource('AWS::Location::GeofenceCollection', {
      DeletionPolicy: 'Retain',
      Properties: {
        CollectionName: Match.stringLikeRegexp('^Tracking-Location-[A-Z0-9]{8}$'),
        Description: 'Zones',
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LocationKey'), 'Arn'] },
      },
    });
    template.hasResourceProperties('AWS::Location::TrackerConsumer', {
      TrackerName: { Ref: Match.stringLikeRegexp('^LocationTracker') },
      ConsumerArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LocationGeofences'), 'Arn'] },
    });
  });

  test('consumer: the rule matches the position events of this tracker only and targets the function with retries and a DLQ', () => {
    const { template, tracking } = build((stack) => ({ consumer: consumerFunction(stack).function }));
    expect(tracking.rule).toBeDefined();
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.geo'],
        'detail-type': ['Location Device Position Event'],
        'resources': [trackerArn],
      },
      State: 'ENABLED',
      Targets: [{
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Consumer'), 'Arn'] },
        Id: Match.anyValue(),
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LocationDeadLetterQueue'), 'Arn'] } },
      }],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LocationEvents'), 'Arn'] },
    });
  });

  test('consumer with geofences: position and geofence events of this tracker and collection', () => {
    const { template } = build((stack) => ({
      consumer: consumerFunction(stack).function,
      geofences: true,
      retryAttempts: 5,
      maxEventAge: Duration.minutes(10),
    }));
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.geo'],
        'detail-type': ['Location Device Position Event', 'Location Geofence Event'],
        'resources': [trackerArn, { 'Fn::GetAtt': [Match.stringLikeRegexp('^LocationGeofences'), 'Arn'] }],
      },
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 600 } })],
    });
  });

  test('the dead-letter queue: its own rotating key, TLS only, 14 days, only this rule may send, EventBridge may use its key', () => {
    const { template } = build((stack) => ({ consumer: consumerFunction(stack).function }));
    template.resourceCountIs('AWS::SQS::Queue', 1);
    template.hasResource('AWS::SQS::Queue', {
      DeletionPolicy: 'Retain',
      Properties: {
        KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LocationDeadLetterKey'), 'Arn'] },
        MessageRetentionPeriod: 14 * 86400,
      },
    });
    // The tracker's key and the queue's (the function brings its own).
    expect(Object.keys(template.findResources('AWS::KMS::Key')).filter((id) => id.startsWith('Location')).sort())
      .toEqual([expect.stringMatching(/^LocationDeadLetterKey/), expect.stringMatching(/^LocationKey/)]);
    const queuePolicy = Object.values(template.findResources('AWS::SQS::QueuePolicy'))[0] as any;
    expect(queuePolicy.Properties.PolicyDocument.Statement).toEqual(expect.arrayContaining([
      expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Principal: { Service: 'events.amazonaws.com' },
        Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [expect.stringMatching(/^LocationEvents/), 'Arn'] } } },
      }),
    ]));
    const keys = template.findResources('AWS::KMS::Key');
    const dlqKey = Object.entries(keys).find(([id]) => id.startsWith('LocationDeadLetterKey'))![1] as any;
    expect(dlqKey.Properties.EnableKeyRotation).toBe(true);
    expect(dlqKey.Properties.KeyPolicy.Statement).toContainEqual(expect.objectContaining({
      Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
    }));
    const trackerKey = Object.entries(keys).find(([id]) => id.startsWith('LocationKey'))![1] as any;
    expect(JSON.stringify(trackerKey.Properties.KeyPolicy)).not.toMatch(/events\.amazonaws\.com/);
  });

  test('grantUpdatePositions and grantRead: the tracker ARN only, no wildcard actions', () => {
    const { stack, tracking } = build();
    const writer = consumerFunction(stack, 'Writer');
    const reader = consumerFunction(stack, 'Reader');
    const write = tracking.grantUpdatePositions(writer.function);
    const read = tracking.grantRead(reader.function);
    expect(write.success).toBe(true);
    expect(read.success).toBe(true);
    const all = statements(Template.fromStack(stack));
    expect(all).toContainEqual({ Effect: 'Allow', Action: 'geo:BatchUpdateDevicePosition', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^LocationTracker/), 'Arn'] } });
    expect(all).toContainEqual({
      Effect: 'Allow',
      Action: ['geo:GetDevicePosition', 'geo:GetDevicePositionHistory', 'geo:BatchGetDevicePosition', 'geo:ListDevicePositions'],
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^LocationTracker/), 'Arn'] },
    });
    expect(JSON.stringify(all.filter((s) => JSON.stringify(s.Action).includes('geo:')))).not.toMatch(/geo:[A-Za-z]*\*/);
  });

  test('grantManageGeofences: the geofence actions on the collection only; refused without geofences', () => {
    const { stack, tracking } = build(() => ({ geofences: true }));
    tracking.grantManageGeofences(consumerFunction(stack, 'Admin').function);
    expect(statements(Template.fromStack(stack))).toContainEqual({
      Effect: 'Allow',
      Action: ['geo:PutGeofence', 'geo:BatchPutGeofence', 'geo:GetGeofence', 'geo:ListGeofences', 'geo:BatchDeleteGeofence'],
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^LocationGeofences/), 'Arn'] },
    });
    const without = build();
    expect(() => without.tracking.grantManageGeofences(consumerFunction(without.stack, 'Admin').function))
      .toThrow(/invalid arguments of grantManageGeofences:\n {2}- geofences: false at construction; allowed: true/);
  });

  test('removalPolicy DESTROY applies to the tracker, the collection, the queue and both keys', () => {
    const { template } = build((stack) => ({ removalPolicy: RemovalPolicy.DESTROY, geofences: true, consumer: consumerFunction(stack).function }));
    const ours = Object.entries(template.toJSON().Resources as Record<string, any>)
      .filter(([id, r]) => id.startsWith('Location') && ['AWS::Location::Tracker', 'AWS::Location::GeofenceCollection', 'AWS::SQS::Queue', 'AWS::KMS::Key'].includes(r.Type));
    expect(ours.map(([, r]) => r.Type).sort()).toEqual(['AWS::KMS::Key', 'AWS::KMS::Key', 'AWS::Location::GeofenceCollection', 'AWS::Location::Tracker', 'AWS::SQS::Queue']);
    for (const [id, r] of ours) expect([id, r.DeletionPolicy]).toEqual([id, 'Delete']);
  });

  describe('invalid props name the prop', () => {
    test('one error in the one format, every problem listed', () => {
      let error: unknown;
      try {
        build(() => ({ trackerName: 'has spaces', description: 'x'.repeat(1001), positionFiltering: 'Sometimes' as TrackerPositionFiltering }));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PropsError);
      expect((error as PropsError).problems.map((p) => p.prop)).toEqual(['trackerName', 'positionFiltering', 'description']);
      expect((error as PropsError).message).toMatch(/^LocationTracking 'Tracking\/Location' has invalid props:\n {2}- trackerName: 'has spaces'; allowed: 1 to 100 of A-Z a-z 0-9 - \. _\n/);
      expect((error as PropsError).message).toMatch(/- positionFiltering: 'Sometimes'; allowed: one of 'TimeBased', 'DistanceBased', 'AccuracyBased'/);
    });

    test.each<[string, (stack: Stack) => LocationTrackingProps]>([
      ['trackerName', () => ({ trackerName: '' })],
      ['trackerName', () => ({ trackerName: 'a'.repeat(101) })],
      ['trackerName', () => ({ trackerName: 'no/slash' })],
      ['positionFiltering', () => ({ positionFiltering: 'timebased' as TrackerPositionFiltering })],
      ['description', () => ({ description: 'd'.repeat(1001) })],
      ['retryAttempts', (stack) => ({ consumer: consumerFunction(stack).function, retryAttempts: 186 })],
      ['retryAttempts', (stack) => ({ consumer: consumerFunction(stack).function, retryAttempts: 1.5 })],
      ['retryAttempts', () => ({ retryAttempts: 3 })],
      ['maxEventAge', (stack) => ({ consumer: consumerFunction(stack).function, maxEventAge: Duration.seconds(30) })],
      ['maxEventAge', (stack) => ({ consumer: consumerFunction(stack).function, maxEventAge: Duration.hours(25) })],
      ['maxEventAge', () => ({ maxEventAge: Duration.minutes(5) })],
    ])('%s', (prop, props) => {
      expect(() => build(props)).toThrow(new RegExp(`LocationTracking 'Tracking/Location' has invalid props:[\\s\\S]*- ${prop}: `));
    });

    test('tokens are not validated', () => {
      expect(() => build(() => ({
        trackerName: Token.asString({ Ref: 'Name' }),
        description: Token.asString({ Ref: 'Description' }),
      }))).not.toThrow();
    });
  });

  test('compliant with every pack under defaults, nothing acknowledged', () => {
    const { stack, tracking } = build();
    const report = expectCompliant(stack);
    expect(report.acknowledgements.filter((a) => a.constructPath.startsWith(`${tracking.node.path}/`))).toEqual([]);
  });

  test('compliant with every pack with a consumer, geofences and grants', () => {
    const { stack, tracking } = build((s) => ({ consumer: consumerFunction(s).function, geofences: true }));
    tracking.grantUpdatePositions(consumerFunction(stack, 'Writer').function);
    tracking.grantRead(consumerFunction(stack, 'Reader').function);
    tracking.grantManageGeofences(consumerFunction(stack, 'Admin').function);
    const report = expectCompliant(stack);
    expect(report.packsRun.length).toBeGreaterThanOrEqual(6);
    // Inside the construct only the dead-letter queue's own missing dead-letter queue is acknowledged.
    const ours = report.acknowledgements.filter((a) => a.constructPath.startsWith(`${tracking.node.path}/`));
    expect(new Set(ours.map((a) => a.constructPath))).toEqual(new Set([`${tracking.node.path}/DeadLetterQueue/Resource`]));
    expect(ours.map((a) => a.ruleId).sort()).toEqual(expect.arrayContaining(['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy']));
  });
});
