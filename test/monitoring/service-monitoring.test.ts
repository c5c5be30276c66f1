import { App, Duration, Stack, Stage } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { HttpMethod, RouteAuthorization, TracedApi, TracedFunction } from '../../src/api';
import { RedisCache } from '../../src/cache';
import { DataTable } from '../../src/data';
import { LocationTracking } from '../../src/location';
import { WorkQueue } from '../../src/messaging';
import { ServiceMonitoring, ServiceMonitoringProps } from '../../src/monitoring';
import { DeliveryPipeline } from '../../src/pipeline';
import { SecureSite } from '../../src/site';
import { EventArchive } from '../../src/stream';
import { threeEnvironmentProps } from '../pipeline/fixtures';
import { COLUMNS } from '../stream/fixtures';
import { expectCompliant } from '../support/compliance';

const code = lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "{}" });');

function api(stack: Stack, id = 'Api') {
  return new TracedApi(stack, id, {
    serviceName: 'shop',
    routes: [{ method: HttpMethod.GET, path: '/items', authorization: RouteAuthorization.NONE, handler: 'index.handler', code }],
  });
}

/** A stack with an API, a table and a queue, monitored. */
function build(props: ServiceMonitoringProps = {}, add?: (stack: Stack) => void) {
  const app = new App();
  const stack = new Stack(app, 'Shop');
  api(stack);
  new DataTable(stack, 'Items', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
  new WorkQueue(stack, 'Orders');
  const monitoring = new ServiceMonitoring(stack, 'Monitoring', { alarmEmails: ['oncall@shop.example'], ...props });
  add?.(stack);
  return { app, stack, monitoring, get template() { return Template.fromStack(stack); } };
}

/** Every cdk-rampart kind in one stack in us-east-1 (where CloudFront's metrics are). */
function buildEverything() {
  const app = new App();
  const stack = new Stack(app, 'Everything', { env: { account: '111111111111', region: 'us-east-1' } });
  api(stack);
  const table = new DataTable(stack, 'Items', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    replicaRegions: ['eu-west-1'],
  });
  const consumer = new TracedFunction(stack, 'Projector', {
    code,
    handler: 'index.handler',
    serviceName: 'shop',
    timeout: Duration.seconds(30),
    synchronousInvocationReason: 'Invoked by its stream event source mapping only.',
  });
  consumer.function.addEventSource(new DynamoEventSource(table.table, { startingPosition: lambda.StartingPosition.TRIM_HORIZON }));
  new WorkQueue(stack, 'Orders');
  new EventArchive(stack, 'Events', { columns: COLUMNS });
  new SecureSite(stack, 'Site');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  new RedisCache(stack, 'Cache', { vpc });
  new DeliveryPipeline(stack, 'Pipeline', threeEnvironmentProps());
  const positions = new TracedFunction(stack, 'Positions', {
    code,
    handler: 'index.handler',
    serviceName: 'shop',
    synchronousInvocationReason: 'Invoked by the tracker\'s EventBridge rule only; undelivered events go to its dead-letter queue.',
  });
  new LocationTracking(stack, 'Tracking', { consumer: positions.function });
  const monitoring = new ServiceMonitoring(stack, 'Monitoring', { serviceName: 'Shop' });
  return { app, stack, monitoring, template: Template.fromStack(stack) };
}

type Alarm = Record<string, any>;

function alarms(template: Template): Alarm[] {
  return Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((r) => r.Properties);
}

/** The one alarm whose name ends with `suffix`. */
function alarmNamed(template: Template, suffix: string): Alarm {
  const all = alarms(template);
  const found = all.filter((a) => typeof a.AlarmName === 'string' && a.AlarmName.endsWith(suffix));
  if (found.length !== 1) throw new Error(`${found.length} alarms end with ${suffix}; names: ${all.map((a) => a.AlarmName).join(', ')}`);
  return found[0];
}

/** The alarm's metric (the library renders every alarm with `Metrics`), its statistic and period. */
function metricOf(alarm: Alarm): { namespace: string; name: string; stat: string; period: number; dimensions: Record<string, unknown> } {
  const m = alarm.Metrics.find((x: any) => x.MetricStat);
  return {
    namespace: m.MetricStat.Metric.Namespace,
    name: m.MetricStat.Metric.MetricName,
    stat: m.MetricStat.Stat,
    period: m.MetricStat.Period,
    dimensions: Object.fromEntries((m.MetricStat.Metric.Dimensions ?? []).map((d: any) => [d.Name, d.Value])),
  };
}

describe('ServiceMonitoring alarms', () => {
  const everything = buildEverything();
  const { stack, template } = everything;
  const topic = { Ref: stack.getLogicalId(everything.monitoring.alarmTopic.node.defaultChild as any) };

  // [alarm name suffix, namespace, metric, statistic, threshold, comparison, datapoints to alarm of evaluation periods]
  const expected: Array<[string, string, string, string, number, string, [number, number]]> = [
    ['Api-Fault-Rate-Critical', 'AWS/ApiGateway', '5XXError', 'Average', 0.01, 'GreaterThanThreshold', [2, 3]],
    ['Api-Error-Rate-Warning', 'AWS/ApiGateway', '4XXError', 'Average', 0.1, 'GreaterThanThreshold', [2, 3]],
    ['Api-Latency-P99-Critical', 'AWS/ApiGateway', 'Latency', 'p99', 1000, 'GreaterThanThreshold', [2, 3]],
    ['Api-Throttling-Throttled-Critical', 'CdkRampart/TracedApi', 'Api-Throttled', 'Sum', 10, 'GreaterThanThreshold', [1, 1]],
    ['Api-Route0-Fault-Rate-Critical', 'AWS/Lambda', 'Errors', 'Average', 0.01, 'GreaterThanThreshold', [2, 3]],
    ['Api-Route0-Throttled-Count-Critical', 'AWS/Lambda', 'Throttles', 'Sum', 0, 'GreaterThanThreshold', [1, 1]],
    ['Api-Route0-Latency-P99-Warning', 'AWS/Lambda', 'Duration', 'p99', 8000, 'GreaterThanThreshold', [2, 3]],
    ['Api-Route0-Running-Tasks-High-Warning', 'AWS/Lambda', 'ConcurrentExecutions', 'Maximum', 800, 'GreaterThanThreshold', [2, 3]],
    ['Projector-Iterator-Age-Max-Warning', 'AWS/Lambda', 'IteratorAge', 'Maximum', 60000, 'GreaterThanThreshold', [2, 3]],
    ['Items-Read-Throttled-Events-Critical', 'AWS/DynamoDB', 'ReadThrottleEvents', 'Sum', 0, 'GreaterThanThreshold', [1, 1]],
    ['Items-Write-Throttled-Events-Critical', 'AWS/DynamoDB', 'WriteThrottleEvents', 'Sum', 0, 'GreaterThanThreshold', [1, 1]],
    ['Items-SystemError-Count-Critical', 'AWS/DynamoDB', 'SystemErrors', 'Sum', 0, 'GreaterThanThreshold', [1, 1]],
    ['Items-Replication-Replication-eu-west-1-Warning', 'AWS/DynamoDB', 'ReplicationLatency', 'Average', 60000, 'GreaterThanThreshold', [2, 3]],
    ['Orders-DLQ-Queue-Message-Count-Max-Critical', 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'Maximum', 0, 'GreaterThanThreshold', [1, 1]],
    ['Orders-Queue-Message-Age-Max-Warning', 'AWS/SQS', 'ApproximateAgeOfOldestMessage', 'Maximum', 900, 'GreaterThanThreshold', [2, 3]],
    ['Events-Stream-Iterator-Age-Max-Warning', 'AWS/Kinesis', 'GetRecords.IteratorAgeMilliseconds', 'Maximum', 300000, 'GreaterThanThreshold', [2, 3]],
    ['Events-Stream-WriteThroughputExceeded-Warning', 'AWS/Kinesis', 'WriteProvisionedThroughputExceeded', 'Average', 0, 'GreaterThanThreshold', [1, 1]],
    ['Events-S3-DeliveryFailures-Critical', 'AWS/Firehose', 'DeliveryToS3.Success', 'Minimum', 1, 'LessThanThreshold', [1, 1]],
    ['Events-S3-DataFreshness-Warning', 'AWS/Firehose', 'DeliveryToS3.DataFreshness', 'Maximum', 900, 'GreaterThanThreshold', [2, 3]],
    ['Site-Fault-Rate-Critical', 'AWS/CloudFront', '5xxErrorRate', 'Average', 1, 'GreaterThanThreshold', [2, 3]],
    ['Site-Origin-OriginLatency-Warning', 'AWS/CloudFront', 'OriginLatency', 'p99', 3000, 'GreaterThanThreshold', [2, 3]],
    ['Site-Waf-Blocked-Warning', 'AWS/WAFV2', 'BlockedRequests', 'Sum', 500, 'GreaterThanThreshold', [2, 3]],
    ['Api-WebAcl-Blocked-Warning', 'AWS/WAFV2', 'BlockedRequests', 'Sum', 500, 'GreaterThanThreshold', [2, 3]],
    ['Cache-001-CPU-Usage-Warning', 'AWS/ElastiCache', 'CPUUtilization', 'Maximum', 80, 'GreaterThanThreshold', [2, 3]],
    ['Cache-001-CPU-Usage-RedisEngine-Warning', 'AWS/ElastiCache', 'EngineCPUUtilization', 'Maximum', 80, 'GreaterThanThreshold', [2, 3]],
    ['Cache-001-Items-Evicted-Warning', 'AWS/ElastiCache', 'Evictions', 'Sum', 0, 'GreaterThanThreshold', [1, 1]],
    ['Cache-002-Memory-Memory-Warning', 'AWS/ElastiCache', 'DatabaseMemoryUsagePercentage', 'Maximum', 80, 'GreaterThanThreshold', [2, 3]],
    ['Cache-002-Memory-ReplicationLag-Warning', 'AWS/ElastiCache', 'ReplicationLag', 'Maximum', 5, 'GreaterThanThreshold', [2, 3]],
    ['Tracking-DLQ-Queue-Message-Count-Max-Critical', 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'Maximum', 0, 'GreaterThanThreshold', [1, 1]],
    ['Pipeline-Failures-FailedExecutions-Warning', 'AWS/Events', 'MatchedEvents', 'Sum', 0, 'GreaterThanThreshold', [1, 1]],
  ];

  test.each(expected)('%s: %s %s (%s) threshold %d, 5-minute periods, missing data is not breaching, notifies the topic', (suffix, namespace, name, stat, threshold, comparison, [datapoints, periods]) => {
    const a = alarmNamed(template, suffix);
    expect(metricOf(a)).toMatchObject({ namespace, name, stat, period: 300 });
    expect(a).toMatchObject({
      Threshold: threshold,
      ComparisonOperator: comparison,
      DatapointsToAlarm: datapoints,
      EvaluationPeriods: periods,
      TreatMissingData: 'notBreaching',
      ActionsEnabled: true,
      AlarmActions: [topic],
    });
  });

  test('every alarm has a description with what it means and the first thing to check, and notifies the topic', () => {
    const all = alarms(template);
    expect(all.length).toBeGreaterThanOrEqual(expected.length);
    for (const a of all) {
      expect(a.AlarmDescription).toMatch(/\. First check: .{20,}/);
      expect(a.AlarmActions).toEqual([topic]);
    }
  });

  test('dimensions name the monitored resources', () => {
    expect(metricOf(alarmNamed(template, 'Api-WebAcl-Blocked-Warning')).dimensions).toEqual({ WebACL: 'WebAclWebAcl', Rule: 'ALL', Region: 'us-east-1' });
    expect(metricOf(alarmNamed(template, 'Site-Waf-Blocked-Warning')).dimensions).toEqual({ WebACL: 'WafWebAcl', Rule: 'ALL' });
    expect(metricOf(alarmNamed(template, 'Cache-002-Memory-ReplicationLag-Warning')).dimensions).toEqual({
      CacheClusterId: { 'Fn::Join': ['-', [{ Ref: expect.stringMatching(/^Cache/) }, '002']] },
    });
    expect(metricOf(alarmNamed(template, 'Items-Replication-Replication-eu-west-1-Warning')).dimensions).toMatchObject({ ReceivingRegion: 'eu-west-1' });
  });

  test('429s are counted from the access log; failed pipeline executions by an EventBridge rule', () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.status = "429" }',
      MetricTransformations: [{ MetricNamespace: 'CdkRampart/TracedApi', MetricName: 'Api-Throttled', MetricValue: '1', DefaultValue: 0 }],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'source': ['aws.codepipeline'], 'detail-type': ['CodePipeline Pipeline Execution State Change'], 'detail': { state: ['FAILED'], pipeline: Match.anyValue() } },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MonitoringPipelineFailures0RecordQueue'), 'Arn'] }, DeadLetterConfig: Match.anyValue() })],
    });
  });

  test('the composite "service unhealthy" alarm is any Critical alarm, and notifies the topic', () => {
    const composite = Object.values(template.findResources('AWS::CloudWatch::CompositeAlarm'));
    expect(composite).toHaveLength(1);
    const p = composite[0].Properties;
    expect(p).toMatchObject({ AlarmName: 'Shop-ServiceUnhealthy', AlarmActions: [topic], AlarmDescription: expect.stringMatching(/First check: /) });
    const rule = JSON.stringify(p.AlarmRule);
    const critical = Object.entries(template.findResources('AWS::CloudWatch::Alarm')).filter(([, r]) => r.Properties.AlarmName.endsWith('-Critical'));
    const warning = Object.entries(template.findResources('AWS::CloudWatch::Alarm')).filter(([, r]) => r.Properties.AlarmName.endsWith('-Warning'));
    expect(critical.length).toBeGreaterThan(5);
    for (const [id] of critical) expect(rule).toContain(id);
    for (const [id] of warning) expect(rule).not.toContain(id);
  });

  test('stages nested in the scope (the pipeline\'s environments) are not entered', () => {
    const stagesUnderPipeline = stack.node.findAll().filter((c) => Stage.isStage(c));
    expect(stagesUnderPipeline.length).toBe(3);
    for (const a of alarms(template)) expect(a.AlarmName).not.toMatch(/DEV|UAT|PROD/);
  });

  test('one dashboard named after the service, golden signals first', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = dashboardBody(template);
    expect(body.widgets[0].properties.markdown).toMatch(/Golden signals/);
    expect(body.widgets.slice(1, 5).map((w: any) => w.properties.title)).toEqual(['Traffic (requests per 5 minutes)', 'Errors', 'Latency (ms)', 'Saturation']);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'Shop' });
  });
});

describe('ServiceMonitoring', () => {
  test('the alarm topic: a rotating KMS key that CloudWatch may use, TLS only, e-mail subscriptions', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MonitoringKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email', Endpoint: 'oncall@shop.example', RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MonitoringUndelivered'), 'Arn'] } },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] })]) },
    });
  });

  test('adding a construct to the monitored scope adds its alarms, even after ServiceMonitoring', () => {
    const before = alarms(build().template).map((a) => a.AlarmName);
    const after = alarms(build({}, (stack) => new WorkQueue(stack, 'Refunds')).template).map((a) => a.AlarmName);
    expect(after.filter((n) => !before.includes(n)).sort()).toEqual(['Shop-Refunds-DLQ-Queue-Message-Count-Max-Critical', 'Shop-Refunds-Queue-Message-Age-Max-Warning']);
  });

  test('a stage: the constructs of every stack in it, from a monitoring stack of its own', () => {
    const app = new App();
    const stage = new Stage(app, 'Prod');
    const backend = new Stack(stage, 'Backend');
    api(backend);
    const monitoringStack = new Stack(stage, 'Monitoring');
    new ServiceMonitoring(monitoringStack, 'Monitoring', { scope: stage, serviceName: 'shop-prod' });
    const template = Template.fromStack(monitoringStack);
    expect(alarmNamed(template, 'shop-prod-Backend-Api-Fault-Rate-Critical')).toBeDefined();
    expect(Template.fromStack(backend).findResources('AWS::CloudWatch::Alarm')).toEqual({});
  });

  test('thresholds are props', () => {
    const { template } = build({
      api: { serverErrorRatePercent: 5, latencyP99: Duration.millis(300) },
      queues: { oldestMessageAge: Duration.hours(4) },
      functions: { accountConcurrencyLimit: 3000 },
    });
    expect(alarmNamed(template, 'Api-Fault-Rate-Critical').Threshold).toBe(0.05);
    expect(alarmNamed(template, 'Api-Latency-P99-Critical').Threshold).toBe(300);
    expect(alarmNamed(template, 'Orders-Queue-Message-Age-Max-Warning').Threshold).toBe(4 * 3600);
    expect(alarmNamed(template, 'Api-Route0-Running-Tasks-High-Warning').Threshold).toBe(2400);
  });

  test('business metrics go right under the golden signals', () => {
    const { template } = build({
      serviceMetrics: [{ title: 'Orders per minute', metrics: [new cloudwatch.Metric({ namespace: 'shop', metricName: 'OrdersPlaced', statistic: 'Sum', period: Duration.minutes(1) })] }],
    });
    const titles = dashboardBody(template).widgets.map((w: any) => w.properties.title ?? w.properties.markdown);
    const golden = titles.findIndex((t: string) => /Golden signals/.test(t));
    const service = titles.findIndex((t: string) => /### Service/.test(t));
    expect(golden).toBe(0);
    expect(service).toBeGreaterThan(golden);
    expect(titles[service + 1]).toBe('Orders per minute');
    expect(titles.slice(0, service).some((t: string) => /API|Table|Queue/.test(t))).toBe(false);
  });

  test('the dashboard body (tokens shown as <Ref> / <GetAtt>)', () => {
    expect(dashboardBody(build().template)).toMatchSnapshot();
  });

  test('CloudFront and CLOUDFRONT WebACL alarms need a stack in us-east-1: elsewhere widgets and a warning', () => {
    const stack = new Stack(new App(), 'Site', { env: { account: '111111111111', region: 'eu-west-1' } });
    new SecureSite(stack, 'Site');
    new ServiceMonitoring(stack, 'Monitoring');
    const template = Template.fromStack(stack);
    expect(alarms(template).filter((a) => /Site-/.test(a.AlarmName))).toEqual([]);
    expect(JSON.stringify(dashboardBody(template))).toContain('5xxErrorRate');
    Annotations.fromStack(stack).hasWarning('/Site/Monitoring', Match.stringLikeRegexp('us-east-1'));
  });

  test('compliant: every pack; nothing acknowledged on the monitoring resources but WorkQueue\'s own (its dead-letter queue)', () => {
    const { stack } = build();
    const report = expectCompliant(stack);
    const ours = report.acknowledgements.filter((a) => a.constructPath.startsWith('Shop/Monitoring/'));
    expect(ours.map((a) => a.constructPath)).toEqual(ours.map(() => 'Shop/Monitoring/Undelivered/DeadLetterQueue/Resource'));
  });
});

describe('ServiceMonitoring validation', () => {
  const bad = (props: ServiceMonitoringProps) => () => build(props);
  test.each<[string, ServiceMonitoringProps, RegExp]>([
    ['serviceName', { serviceName: 'shop prod' }, /serviceName: 'shop prod'; allowed: 1 to 200 letters, digits, - and _/],
    ['alarmEmails', { alarmEmails: ['oncall'] }, /alarmEmails\[0\]: 'oncall'; allowed: an e-mail address/],
    ['percent', { api: { serverErrorRatePercent: 0 } }, /api.serverErrorRatePercent: 0; allowed: more than 0 and at most 100/],
    ['percent above 100', { cache: { memoryPercent: 120 } }, /cache.memoryPercent: 120; allowed: more than 0 and at most 100/],
    ['count', { tables: { throttledRequests: -1 } }, /tables.throttledRequests: -1; allowed: an integer from 0/],
    ['count not an integer', { site: { blockedRequests: 2.5 } }, /site.blockedRequests: 2.5; allowed: an integer from 0/],
    ['duration', { queues: { oldestMessageAge: Duration.days(2) } }, /queues.oldestMessageAge: 2 days; allowed: 1 second to 1 day/],
    ['account concurrency', { functions: { accountConcurrencyLimit: 5 } }, /functions.accountConcurrencyLimit: 5; allowed: an integer from 10/],
  ])('%s', (_name, props, message) => {
    expect(bad(props)).toThrow(message);
  });

  test('scope: a stack or a stage', () => {
    const stack = new Stack(new App(), 'Shop');
    const queue = new WorkQueue(stack, 'Orders');
    expect(() => new ServiceMonitoring(stack, 'Monitoring', { scope: queue })).toThrow(/scope: 'Shop\/Orders'; allowed: a stack or a stage/);
  });

  test('every problem in one error', () => {
    expect(bad({ serviceName: '', api: { latencyP99: Duration.millis(0) } })).toThrow(/serviceName: ''[\s\S]*api.latencyP99: 0 millis; allowed: 1 milli to 15 minutes/);
  });
});

/** The dashboard body, its Fn::Join flattened with references shown as <Ref> and <GetAtt>. */
function dashboardBody(template: Template): any {
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  const body = dashboards[0].Properties.DashboardBody;
  const flat = (v: any): string => {
    if (typeof v === 'string') return v;
    if (v['Fn::Join']) return v['Fn::Join'][1].map(flat).join(v['Fn::Join'][0]);
    if (v.Ref) return `<${v.Ref}>`;
    if (v['Fn::GetAtt']) return `<${v['Fn::GetAtt'].join('.')}>`;
    return `<${JSON.stringify(v).replace(/"/g, '\'')}>`;
  };
  return JSON.parse(flat(body));
}
