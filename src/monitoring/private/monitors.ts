import { Annotations, Duration, Fn, Stack, Stage, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import type {
  CustomAlarmThreshold, CustomMetricGroup, MetricWithAlarmSupport, MonitoringFacade,
} from 'cdk-monitoring-constructs';
import { Construct, IConstruct } from 'constructs';
import { TracedApi } from '../../api/traced-api';
import { TracedFunction } from '../../api/traced-function';
import { RedisCache } from '../../cache/redis-cache';
import { DataTable } from '../../data/data-table';
import { LocationTracking } from '../../location/location-tracking';
import { WorkQueue } from '../../messaging/work-queue';
import { DeliveryPipeline } from '../../pipeline/delivery-pipeline';
import { Validation } from '../../private/validation';
import { SecureSite } from '../../site/secure-site';
import { EventArchive } from '../../stream/event-archive';
import { CloudFrontWebAcl } from '../../waf/cloudfront-web-acl';
import { metricPrefixOf } from '../../waf/private/plain-web-acl';
import { RegionalWebAcl } from '../../waf/regional-web-acl';
import type { ServiceMetricGroup, ServiceMonitoringProps } from '../service-monitoring';
import { loadMonitoringConstructs } from './monitoring-constructs';

/** Disambiguator of the alarms users feel: the children of the "service unhealthy" composite. */
export const CRITICAL = 'Critical';
/** Disambiguator of the alarms that warn before users feel it. */
export const WARNING = 'Warning';

/** Every alarm is evaluated over periods of this length. */
export const PERIOD = Duration.minutes(5);

/** The thresholds with their defaults. */
export interface Thresholds {
  readonly api: { serverErrorRatePercent: number; clientErrorRatePercent: number; latencyP99: Duration; throttledRequests: number };
  readonly functions: {
    errorRatePercent: number;
    throttles: number;
    durationP99PercentOfTimeout: number;
    concurrencyPercentOfLimit: number;
    accountConcurrencyLimit: number;
    iteratorAge: Duration;
  };
  readonly tables: { throttledRequests: number; systemErrors: number; replicationLatency: Duration };
  readonly queues: { deadLetterMessages: number; oldestMessageAge: Duration };
  readonly archive: { iteratorAge: Duration; writeThrottles: number; dataFreshness: Duration };
  readonly site: { serverErrorRatePercent: number; originLatencyP99: Duration; blockedRequests: number };
  readonly cache: { cpuPercent: number; engineCpuPercent: number; memoryPercent: number; evictions: number; replicationLag: Duration };
}

/** Resolves the thresholds' defaults and records every invalid one. */
export function resolveThresholds(v: Validation, props: ServiceMonitoringProps): Thresholds {
  const t: Thresholds = {
    api: {
      serverErrorRatePercent: props.api?.serverErrorRatePercent ?? 1,
      clientErrorRatePercent: props.api?.clientErrorRatePercent ?? 10,
      latencyP99: props.api?.latencyP99 ?? Duration.seconds(1),
      throttledRequests: props.api?.throttledRequests ?? 10,
    },
    functions: {
      errorRatePercent: props.functions?.errorRatePercent ?? 1,
      throttles: props.functions?.throttles ?? 0,
      durationP99PercentOfTimeout: props.functions?.durationP99PercentOfTimeout ?? 80,
      concurrencyPercentOfLimit: props.functions?.concurrencyPercentOfLimit ?? 80,
      accountConcurrencyLimit: props.functions?.accountConcurrencyLimit ?? 1000,
      iteratorAge: props.functions?.iteratorAge ?? Duration.minutes(1),
    },
    tables: {
      throttledRequests: props.tables?.throttledRequests ?? 0,
      systemErrors: props.tables?.systemErrors ?? 0,
      replicationLatency: props.tables?.replicationLatency ?? Duration.minutes(1),
    },
    queues: {
      deadLetterMessages: props.queues?.deadLetterMessages ?? 0,
      oldestMessageAge: props.queues?.oldestMessageAge ?? Duration.minutes(15),
    },
    archive: {
      iteratorAge: props.archive?.iteratorAge ?? Duration.minutes(5),
      writeThrottles: props.archive?.writeThrottles ?? 0,
      dataFreshness: props.archive?.dataFreshness ?? Duration.minutes(15),
    },
    site: {
      serverErrorRatePercent: props.site?.serverErrorRatePercent ?? 1,
      originLatencyP99: props.site?.originLatencyP99 ?? Duration.seconds(3),
      blockedRequests: props.site?.blockedRequests ?? 500,
    },
    cache: {
      cpuPercent: props.cache?.cpuPercent ?? 80,
      engineCpuPercent: props.cache?.engineCpuPercent ?? 80,
      memoryPercent: props.cache?.memoryPercent ?? 80,
      evictions: props.cache?.evictions ?? 0,
      replicationLag: props.cache?.replicationLag ?? Duration.seconds(5),
    },
  };
  const percent = (prop: string, value: number) => v.check(prop, value, value > 0 && value <= 100, 'more than 0 and at most 100 (percent)');
  const count = (prop: string, value: number) => v.integer(prop, value, 0, 1_000_000_000);
  const duration = (prop: string, value: Duration) => v.duration(prop, value, { min: Duration.seconds(1), max: Duration.days(1) });
  const latency = (prop: string, value: Duration) => v.duration(prop, value, { min: Duration.millis(1), max: Duration.minutes(15) });
  percent('api.serverErrorRatePercent', t.api.serverErrorRatePercent);
  percent('api.clientErrorRatePercent', t.api.clientErrorRatePercent);
  latency('api.latencyP99', t.api.latencyP99);
  count('api.throttledRequests', t.api.throttledRequests);
  percent('functions.errorRatePercent', t.functions.errorRatePercent);
  count('functions.throttles', t.functions.throttles);
  percent('functions.durationP99PercentOfTimeout', t.functions.durationP99PercentOfTimeout);
  percent('functions.concurrencyPercentOfLimit', t.functions.concurrencyPercentOfLimit);
  v.integer('functions.accountConcurrencyLimit', t.functions.accountConcurrencyLimit, 10, 10_000_000);
  duration('functions.iteratorAge', t.functions.iteratorAge);
  count('tables.throttledRequests', t.tables.throttledRequests);
  count('tables.systemErrors', t.tables.systemErrors);
  duration('tables.replicationLatency', t.tables.replicationLatency);
  count('queues.deadLetterMessages', t.queues.deadLetterMessages);
  duration('queues.oldestMessageAge', t.queues.oldestMessageAge);
  duration('archive.iteratorAge', t.archive.iteratorAge);
  count('archive.writeThrottles', t.archive.writeThrottles);
  duration('archive.dataFreshness', t.archive.dataFreshness);
  percent('site.serverErrorRatePercent', t.site.serverErrorRatePercent);
  latency('site.originLatencyP99', t.site.originLatencyP99);
  count('site.blockedRequests', t.site.blockedRequests);
  percent('cache.cpuPercent', t.cache.cpuPercent);
  percent('cache.engineCpuPercent', t.cache.engineCpuPercent);
  percent('cache.memoryPercent', t.cache.memoryPercent);
  count('cache.evictions', t.cache.evictions);
  duration('cache.replicationLag', t.cache.replicationLag);
  return t;
}

/** The cdk-rampart constructs of a scope, by kind. */
export interface Found {
  readonly apis: TracedApi[];
  readonly functions: TracedFunction[];
  readonly tables: DataTable[];
  readonly queues: WorkQueue[];
  readonly archives: EventArchive[];
  readonly sites: SecureSite[];
  readonly regionalAcls: RegionalWebAcl[];
  readonly edgeAcls: CloudFrontWebAcl[];
  readonly caches: RedisCache[];
  readonly pipelines: DeliveryPipeline[];
  readonly trackers: LocationTracking[];
  /** Constructs in another account or region than the monitoring stack. */
  readonly skipped: IConstruct[];
}

/**
 * The cdk-rampart constructs under `scope`, in construct order. Stages nested in it are other
 * deployments (e.g. a pipeline's environments) and are not entered.
 */
export function discover(scope: IConstruct, monitoring: Construct): Found {
  const found: Found = {
    apis: [],
    functions: [],
    tables: [],
    queues: [],
    archives: [],
    sites: [],
    regionalAcls: [],
    edgeAcls: [],
    caches: [],
    pipelines: [],
    trackers: [],
    skipped: [],
  };
  const home = Stack.of(monitoring);
  const visit = (c: IConstruct) => {
    if ((c !== scope && Stage.isStage(c)) || c === monitoring) return;
    const kind = kindOf(c, found);
    if (kind) {
      if (sameEnvironment(Stack.of(c), home)) kind.push(c);
      else found.skipped.push(c);
    }
    for (const child of c.node.children) visit(child);
  };
  visit(scope);
  return found;
}

function kindOf(c: IConstruct, f: Found): IConstruct[] | undefined {
  if (c instanceof TracedApi) return f.apis;
  if (c instanceof TracedFunction) return f.functions;
  if (c instanceof DataTable) return f.tables;
  if (c instanceof WorkQueue) return f.queues;
  if (c instanceof EventArchive) return f.archives;
  if (c instanceof SecureSite) return f.sites;
  if (c instanceof RegionalWebAcl) return f.regionalAcls;
  if (c instanceof CloudFrontWebAcl) return f.edgeAcls;
  if (c instanceof RedisCache) return f.caches;
  if (c instanceof DeliveryPipeline) return f.pipelines;
  if (c instanceof LocationTracking) return f.trackers;
  return undefined;
}

function sameEnvironment(a: Stack, b: Stack): boolean {
  const differ = (x: string, y: string) => !Token.isUnresolved(x) && !Token.isUnresolved(y) && x !== y;
  return !differ(a.account, b.account) && !differ(a.region, b.region);
}

/** The alarm's description (what it means, then the first thing to check) and evaluation. */
function alarm(meaning: string, firstCheck: string, datapoints: 1 | 2): CustomAlarmThreshold {
  return {
    alarmDescriptionOverride: `${meaning} First check: ${firstCheck}`,
    treatMissingDataOverride: cloudwatch.TreatMissingData.NOT_BREACHING,
    period: PERIOD,
    datapointsToAlarm: datapoints,
    evaluationPeriods: datapoints === 1 ? 1 : 3,
  };
}
/** A count of things that should not happen: alarms on the first period above the threshold. */
const once = (meaning: string, firstCheck: string) => alarm(meaning, firstCheck, 1);
/** A rate, a latency or a level: alarms on 2 of the last 3 periods, not on one bad minute. */
const sustained = (meaning: string, firstCheck: string) => alarm(meaning, firstCheck, 2);

function metric(props: cloudwatch.MetricProps): MetricWithAlarmSupport {
  return new cloudwatch.Metric({ period: PERIOD, ...props });
}

const GT = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD;

/** A name for alarms and dashboard headers: the construct's path below the monitored scope. */
function namesOf(c: IConstruct, scope: IConstruct): { friendly: string; human: string } {
  const base = scope.node.path;
  const rel = base && c.node.path.startsWith(`${base}/`) ? c.node.path.slice(base.length + 1) : c.node.path;
  return { friendly: rel.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 120) || 'Service', human: rel || c.node.id };
}

/** Adds the golden signals, the service metrics, then every construct's alarms and widgets. */
export function monitorAll(
  monitoring: Construct, facade: MonitoringFacade, scope: IConstruct, found: Found, t: Thresholds, serviceMetrics: ServiceMetricGroup[],
  encryptionKey: kms.Key,
): void {
  const home = Stack.of(monitoring);
  // CloudFront and CLOUDFRONT WebACLs publish their metrics in us-east-1 only, and an alarm sees
  // only its own region's metrics: elsewhere they are dashboard widgets without alarms.
  const edgeAlarms = Token.isUnresolved(home.region) || home.region === 'us-east-1';

  if (!edgeAlarms && (found.sites.length > 0 || found.edgeAcls.length > 0)) {
    Annotations.of(monitoring).addWarningV2('@cdk-rampart/monitoring:edgeAlarms',
      `CloudFront and CLOUDFRONT WebACL metrics exist in us-east-1 only and alarms see their own region's metrics: this stack is in ${home.region}, so sites and edge WebACLs get dashboard widgets without alarms. Monitor them from a ServiceMonitoring in a us-east-1 stack for alarms.`);
  }
  goldenSignals(facade, found);
  if (serviceMetrics.length > 0) {
    facade.monitorCustom({
      alarmFriendlyName: 'Service',
      humanReadableName: 'Service',
      metricGroups: serviceMetrics.map((g): CustomMetricGroup => ({ title: g.title, metrics: g.metrics as MetricWithAlarmSupport[] })),
    });
  }

  found.apis.forEach((api, i) => monitorApi(monitoring, facade, api, namesOf(api, scope), t, i));
  for (const fn of found.functions) monitorFunction(facade, fn, namesOf(fn, scope), t);
  for (const table of found.tables) monitorTable(facade, table, namesOf(table, scope), t);
  for (const queue of found.queues) monitorQueue(facade, queue, namesOf(queue, scope), t);
  for (const archive of found.archives) monitorArchive(facade, archive, namesOf(archive, scope), t);
  for (const site of found.sites) monitorSite(facade, site, namesOf(site, scope), t, edgeAlarms);
  for (const acl of found.regionalAcls) {
    monitorWebAcl(facade, namesOf(acl, scope), t, metricNameOf(acl.webAcl), Stack.of(acl).region, true);
  }
  for (const acl of found.edgeAcls) {
    const name = acl.webAcl ? metricNameOf(acl.webAcl) : acl.edgeWebAcl ? `${metricPrefixOf(acl.edgeWebAcl)}WebAcl` : undefined;
    if (name) monitorWebAcl(facade, namesOf(acl, scope), t, name, undefined, edgeAlarms);
  }
  for (const cache of found.caches) monitorCache(facade, cache, namesOf(cache, scope), t);
  found.pipelines.forEach((p, i) => monitorPipeline(monitoring, facade, p, namesOf(p, scope), i, encryptionKey));
  for (const tracking of found.trackers) monitorTracking(facade, tracking, namesOf(tracking, scope), t);
}

function goldenSignals(facade: MonitoringFacade, f: Found): void {
  const traffic: MetricWithAlarmSupport[] = [];
  const errors: MetricWithAlarmSupport[] = [];
  const latency: MetricWithAlarmSupport[] = [];
  const saturation: MetricWithAlarmSupport[] = [];
  for (const a of f.apis) {
    const dims = { ApiName: a.api.restApiName, Stage: a.stage.stageName };
    const m = (metricName: string, statistic: string, label: string) => metric({ namespace: 'AWS/ApiGateway', metricName, dimensionsMap: dims, statistic, label: `${a.node.id} ${label}` });
    traffic.push(m('Count', 'Sum', 'requests'));
    errors.push(m('5XXError', 'Sum', '5xx'), m('4XXError', 'Sum', '4xx'));
    latency.push(m('Latency', 'p99', 'p99'), m('Latency', 'p50', 'p50'));
  }
  for (const s of f.sites) {
    const dims = { DistributionId: s.distribution.distributionId, Region: 'Global' };
    traffic.push(metric({ namespace: 'AWS/CloudFront', metricName: 'Requests', dimensionsMap: dims, statistic: 'Sum', region: 'us-east-1', label: `${s.node.id} requests` }));
    errors.push(metric({ namespace: 'AWS/CloudFront', metricName: '5xxErrorRate', dimensionsMap: dims, statistic: 'Average', region: 'us-east-1', label: `${s.node.id} 5xx %` }));
  }
  if (f.functions.length > 0) {
    saturation.push(
      metric({ namespace: 'AWS/Lambda', metricName: 'ConcurrentExecutions', statistic: 'Maximum', label: 'Lambda concurrent executions (account)' }),
      metric({ namespace: 'AWS/Lambda', metricName: 'Throttles', statistic: 'Sum', label: 'Lambda throttles (account)' }),
    );
  }
  for (const q of f.queues) {
    saturation.push(q.queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum', label: `${q.node.id} waiting` }));
    saturation.push(q.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum', label: `${q.node.id} dead letters` }));
  }
  const groups: CustomMetricGroup[] = [
    { title: 'Traffic (requests per 5 minutes)', metrics: traffic },
    { title: 'Errors', metrics: errors },
    { title: 'Latency (ms)', metrics: latency },
    { title: 'Saturation', metrics: saturation },
  ].filter((g) => g.metrics.length > 0);
  if (groups.length === 0) return;
  facade.monitorCustom({ alarmFriendlyName: 'GoldenSignals', humanReadableName: 'Golden signals', metricGroups: groups });
}

type Names = { friendly: string; human: string };

function monitorApi(scope: Construct, facade: MonitoringFacade, a: TracedApi, n: Names, t: Thresholds, index: number): void {
  facade.monitorApiGateway({
    api: a.api,
    apiStage: a.stage.stageName,
    alarmFriendlyName: n.friendly,
    humanReadableName: `API ${n.human}`,
    add5XXFaultRateAlarm: {
      [CRITICAL]: {
        maxErrorRate: t.api.serverErrorRatePercent / 100,
        ...sustained(`More than ${t.api.serverErrorRatePercent}% of the requests to API ${n.human} are answered 5xx: users see errors.`,
          'the access log (status 5xx, errorMessage, integrationStatus) and the Errors graph of the route functions; a recent deployment.'),
      },
    },
    add4XXErrorRateAlarm: {
      [WARNING]: {
        maxErrorRate: t.api.clientErrorRatePercent / 100,
        ...sustained(`More than ${t.api.clientErrorRatePercent}% of the requests to API ${n.human} are answered 4xx: a broken client, an expired or foreign token, or probing.`,
          'the access log grouped by resourcePath, status and errorType (401/403: authorizer and tokens; 400: validationError).'),
      },
    },
    addLatencyP99Alarm: {
      [CRITICAL]: {
        maxLatency: t.api.latencyP99,
        ...sustained(`The p99 latency of API ${n.human} is above ${t.api.latencyP99.toHumanString()}: the slowest requests are too slow.`,
          'integrationLatency in the access log, then the route function\'s duration and its X-Ray traces (table or cache calls).'),
      },
    },
  });
  // API Gateway publishes no metric of throttled (429) requests: they are counted from the access log.
  const throttled = new logs.MetricFilter(scope, `ThrottledRequests${index}`, {
    logGroup: a.accessLogGroup,
    filterPattern: logs.FilterPattern.stringValue('$.status', '=', '429'),
    metricNamespace: 'CdkRampart/TracedApi',
    metricName: `${n.friendly}-Throttled`,
    metricValue: '1',
    defaultValue: 0,
  });
  facade.monitorCustom({
    alarmFriendlyName: `${n.friendly}-Throttling`,
    humanReadableName: `API ${n.human} throttling`,
    metricGroups: [{
      title: '429 Too Many Requests',
      metrics: [{
        metric: throttled.metric({ period: PERIOD, statistic: 'Sum', label: '429' }),
        alarmFriendlyName: 'Throttled',
        addAlarm: {
          [CRITICAL]: {
            threshold: t.api.throttledRequests,
            comparisonOperator: GT,
            ...once(`More than ${t.api.throttledRequests} requests to API ${n.human} were refused with 429 in 5 minutes: the stage, a route or a usage plan limit is reached.`,
              'the access log (status 429, resourcePath, ip): real traffic above the throttle (raise it) or one client (WAF rate rule).'),
          },
        },
      }],
    }],
  });
}

function monitorFunction(facade: MonitoringFacade, f: TracedFunction, n: Names, t: Thresholds): void {
  const fn = f.function;
  const reserved = (fn.node.defaultChild as lambda.CfnFunction).reservedConcurrentExecutions;
  const limit = typeof reserved === 'number' ? reserved : t.functions.accountConcurrencyLimit;
  const consumer = fn.node.findAll().some((c) => c instanceof lambda.CfnEventSourceMapping && c.startingPosition !== undefined);
  facade.monitorLambdaFunction({
    lambdaFunction: fn,
    alarmFriendlyName: n.friendly,
    humanReadableName: `Function ${n.human}`,
    isIterator: consumer,
    addFaultRateAlarm: {
      [CRITICAL]: {
        maxErrorRate: t.functions.errorRatePercent / 100,
        ...sustained(`More than ${t.functions.errorRatePercent}% of the invocations of ${n.human} fail (unhandled error or timeout).`,
          'the function\'s log group (level ERROR, the request id) and its X-Ray traces; a recent deployment.'),
      },
    },
    addThrottlesCountAlarm: {
      [CRITICAL]: {
        maxErrorCount: t.functions.throttles,
        ...once(`${n.human} was throttled more than ${t.functions.throttles} times in 5 minutes: requests or events were refused for concurrency.`,
          'ConcurrentExecutions of the function and of the account; the reserved concurrency, or the account quota.'),
      },
    },
    addLatencyP99Alarm: {
      [WARNING]: {
        maxLatencyPercentageOfTimeout: t.functions.durationP99PercentOfTimeout,
        ...sustained(`The p99 duration of ${n.human} is above ${t.functions.durationP99PercentOfTimeout}% of its timeout: it will soon time out.`,
          'the slow invocations\' X-Ray traces (which downstream call), then cold starts (Init duration) and memory.'),
      },
    },
    addConcurrentExecutionsCountAlarm: {
      [WARNING]: {
        maxRunningTasks: Math.floor(limit * t.functions.concurrencyPercentOfLimit / 100),
        ...sustained(`${n.human} runs more than ${t.functions.concurrencyPercentOfLimit}% of the ${limit} concurrent executions it may use (${typeof reserved === 'number' ? 'reserved' : 'account quota'}): throttling is next.`,
          'traffic (a spike or a retry storm) and the duration graph (slower calls hold executions longer).'),
      },
    },
    addMaxIteratorAgeAlarm: consumer ? {
      [WARNING]: {
        maxAgeInMillis: t.functions.iteratorAge.toMilliseconds(),
        ...sustained(`${n.human} is more than ${t.functions.iteratorAge.toHumanString()} behind its stream: events are processed late.`,
          'the function\'s errors (a failing batch is retried and blocks its shard) and its duration.'),
      },
    } : undefined,
  });
}

function monitorTable(facade: MonitoringFacade, d: DataTable, n: Names, t: Thresholds): void {
  facade.monitorDynamoTable({
    table: d.table,
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    alarmFriendlyName: n.friendly,
    humanReadableName: `Table ${n.human}`,
    addReadThrottledEventsCountAlarm: {
      [CRITICAL]: {
        maxThrottledEventsThreshold: t.tables.throttledRequests,
        ...once(`Reads of table ${n.human} were throttled: callers got errors or retried.`,
          'a hot partition key (CloudWatch Contributor Insights on the table) or a sudden traffic spike above twice the previous peak.'),
      },
    },
    addWriteThrottledEventsCountAlarm: {
      [CRITICAL]: {
        maxThrottledEventsThreshold: t.tables.throttledRequests,
        ...once(`Writes to table ${n.human} were throttled: callers got errors or retried.`,
          'a hot partition key (Contributor Insights), a batch job, or an index whose writes are throttled.'),
      },
    },
    addSystemErrorCountAlarm: {
      [CRITICAL]: {
        maxErrorCount: t.tables.systemErrors,
        ...once(`DynamoDB answered requests to table ${n.human} with internal errors.`,
          'the AWS Health Dashboard for DynamoDB in this region; callers retry with backoff.'),
      },
    },
  });
  const replicas = replicaRegions(d);
  if (replicas.length === 0) return;
  facade.monitorCustom({
    alarmFriendlyName: `${n.friendly}-Replication`,
    humanReadableName: `Table ${n.human} replication`,
    metricGroups: [{
      title: 'Replication latency (ms)',
      metrics: replicas.map((region) => ({
        metric: metric({ namespace: 'AWS/DynamoDB', metricName: 'ReplicationLatency', dimensionsMap: { TableName: d.table.tableName, ReceivingRegion: region }, statistic: 'Average', label: region }),
        alarmFriendlyName: `Replication-${region}`,
        addAlarm: {
          [WARNING]: {
            threshold: t.tables.replicationLatency.toMilliseconds(),
            comparisonOperator: GT,
            ...sustained(`Writes to table ${n.human} reach ${region} more than ${t.tables.replicationLatency.toHumanString()} late: a failover now would lose them.`,
              `the AWS Health Dashboard for DynamoDB in ${region} and this region; write throttling on the replica.`),
          },
        },
      })),
    }],
  });
}

function replicaRegions(d: DataTable): string[] {
  const stack = Stack.of(d);
  const cfn = d.table.node.defaultChild as dynamodb.CfnGlobalTable;
  const replicas = stack.resolve(cfn.replicas) as Array<{ Region?: unknown; region?: unknown }> | undefined;
  return (replicas ?? [])
    .map((r) => r.Region ?? r.region)
    .filter((r): r is string => typeof r === 'string' && r !== stack.region);
}

function monitorQueue(facade: MonitoringFacade, q: WorkQueue, n: Names, t: Thresholds): void {
  facade.monitorSqsQueueWithDlq({
    queue: q.queue,
    deadLetterQueue: q.deadLetterQueue,
    alarmFriendlyName: n.friendly,
    humanReadableName: `Queue ${n.human}`,
    addQueueMaxMessageAgeAlarm: {
      [WARNING]: {
        maxAgeInSeconds: t.queues.oldestMessageAge.toSeconds(),
        ...sustained(`A message has waited in queue ${n.human} for more than ${t.queues.oldestMessageAge.toHumanString()}: work is late.`,
          'the consumer\'s errors and throttles (messages coming back), then whether it keeps up with the incoming rate.'),
      },
    },
    addDeadLetterQueueMaxSizeAlarm: {
      [CRITICAL]: {
        maxMessageCount: t.queues.deadLetterMessages,
        ...once(`Messages of queue ${n.human} failed ${q.maxReceiveCount} times and sit in its dead-letter queue: work was not done.`,
          'the consumer\'s log for the failing message ids; fix the cause, then redrive the dead-letter queue to the queue.'),
      },
    },
  });
}

/** A tracker's events that never reached its consumer (only a tracker with a consumer has the queue). */
function monitorTracking(facade: MonitoringFacade, l: LocationTracking, n: Names, t: Thresholds): void {
  if (!l.deadLetterQueue) return;
  facade.monitorSqsQueue({
    queue: l.deadLetterQueue,
    alarmFriendlyName: `${n.friendly}-DLQ`,
    humanReadableName: `Undelivered location events ${n.human}`,
    addQueueMaxSizeAlarm: {
      [CRITICAL]: {
        maxMessageCount: t.queues.deadLetterMessages,
        ...once(`Location events of ${n.human} could not be delivered to its consumer and sit in its dead-letter queue: positions were not processed.`,
          'the consumer\'s errors and throttles in its log; the queued events keep the original event, so fix the cause and replay them if still useful.'),
      },
    },
  });
}

function monitorArchive(facade: MonitoringFacade, e: EventArchive, n: Names, t: Thresholds): void {
  facade.monitorKinesisDataStream({
    streamName: e.stream.streamName,
    alarmFriendlyName: `${n.friendly}-Stream`,
    humanReadableName: `Event stream ${n.human}`,
    addIteratorMaxAgeAlarm: {
      [WARNING]: {
        maxAgeInMillis: t.archive.iteratorAge.toMilliseconds(),
        ...sustained(`Records of stream ${n.human} wait more than ${t.archive.iteratorAge.toHumanString()} to be read: the archive falls behind.`,
          'the Firehose delivery stream (ThrottledGetRecords, delivery errors in its log group) and any other consumer.'),
      },
    },
    addWriteProvisionedThroughputExceededAlarm: {
      [WARNING]: {
        maxRecordsThrottledThreshold: t.archive.writeThrottles,
        ...once(`Writes to stream ${n.human} were refused for throughput: producers retried or dropped events.`,
          'IncomingRecords against the on-demand limit (twice the previous peak), and producers\' retries in their logs.'),
      },
    },
  });
  facade.monitorKinesisFirehose({
    deliveryStreamName: e.deliveryStream.deliveryStreamName,
    alarmFriendlyName: `${n.friendly}-Delivery`,
    humanReadableName: `Archive delivery ${n.human}`,
  });
  const name = { DeliveryStreamName: e.deliveryStream.deliveryStreamName };
  facade.monitorCustom({
    alarmFriendlyName: `${n.friendly}-S3`,
    humanReadableName: `Archive ${n.human} delivery to S3`,
    metricGroups: [
      {
        title: 'Delivered to S3 (share of puts that succeeded)',
        metrics: [{
          metric: metric({ namespace: 'AWS/Firehose', metricName: 'DeliveryToS3.Success', dimensionsMap: name, statistic: 'Minimum', label: 'success' }),
          alarmFriendlyName: 'DeliveryFailures',
          addAlarm: {
            [CRITICAL]: {
              threshold: 1,
              comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
              ...once(`Firehose failed to put records of archive ${n.human} into S3: it retries for 24 hours, then writes them under the error prefix.`,
                'the delivery stream\'s error log group (S3 access denied, KMS key policy) and the bucket\'s key.'),
            },
          },
        }],
      },
      {
        title: 'Data freshness (s)',
        metrics: [{
          metric: metric({ namespace: 'AWS/Firehose', metricName: 'DeliveryToS3.DataFreshness', dimensionsMap: name, statistic: 'Maximum', label: 'oldest record' }),
          alarmFriendlyName: 'DataFreshness',
          addAlarm: {
            [WARNING]: {
              threshold: t.archive.dataFreshness.toSeconds(),
              comparisonOperator: GT,
              ...sustained(`The oldest record of archive ${n.human} has waited more than ${t.archive.dataFreshness.toHumanString()} to reach S3: queries miss recent events.`,
                'DeliveryToS3.Success and the error log group (failing puts are retried), then the buffering interval.'),
            },
          },
        }],
      },
    ],
  });
}

function monitorSite(facade: MonitoringFacade, s: SecureSite, n: Names, t: Thresholds, alarms: boolean): void {
  facade.monitorCloudFrontDistribution({
    distribution: s.distribution,
    alarmFriendlyName: n.friendly,
    humanReadableName: `Site ${n.human}`,
    addFault5xxRate: alarms ? {
      [CRITICAL]: {
        maxErrorRate: t.site.serverErrorRatePercent,
        ...sustained(`More than ${t.site.serverErrorRatePercent}% of the requests to site ${n.human} are answered 5xx: pages fail to load.`,
          'the CloudFront standard logs (x-edge-result-type Error, the origin) and the bucket\'s key policy after a change.'),
      },
    } : undefined,
  });
  const origin = metric({
    namespace: 'AWS/CloudFront',
    metricName: 'OriginLatency',
    dimensionsMap: { DistributionId: s.distribution.distributionId, Region: 'Global' },
    statistic: 'p99',
    region: 'us-east-1',
    label: 'origin p99',
  });
  facade.monitorCustom({
    alarmFriendlyName: `${n.friendly}-Origin`,
    humanReadableName: `Site ${n.human} origin`,
    metricGroups: [{
      title: 'Origin latency (ms, with the distribution\'s additional metrics on)',
      metrics: [alarms ? {
        metric: origin,
        alarmFriendlyName: 'OriginLatency',
        addAlarm: {
          [WARNING]: {
            threshold: t.site.originLatencyP99.toMilliseconds(),
            comparisonOperator: GT,
            ...sustained(`The p99 origin latency of site ${n.human} is above ${t.site.originLatencyP99.toHumanString()}: cache misses are slow.`,
              'the cache hit rate (a changed cache policy or invalidation sends everything to S3) and S3 5xx in the standard logs.'),
          },
        },
      } : origin],
    }],
  });
}

function metricNameOf(acl: CfnWebACL): string {
  return (Stack.of(acl).resolve(acl.visibilityConfig) as { metricName?: string; MetricName?: string }).metricName
    ?? (Stack.of(acl).resolve(acl.visibilityConfig) as { MetricName?: string }).MetricName ?? 'WebAcl';
}

function monitorWebAcl(facade: MonitoringFacade, n: Names, t: Thresholds, metricName: string, region: string | undefined, alarms: boolean): void {
  // The WebACL dimension is the WebACL's metric name; REGIONAL WebACLs add the region.
  const blocked = metric({
    namespace: 'AWS/WAFV2',
    metricName: 'BlockedRequests',
    statistic: 'Sum',
    label: 'blocked',
    dimensionsMap: { WebACL: metricName, Rule: 'ALL', ...(region ? { Region: region } : {}) },
    ...(region ? {} : { region: 'us-east-1' }),
  });
  facade.monitorCustom({
    alarmFriendlyName: n.friendly,
    humanReadableName: `WebACL ${n.human}`,
    metricGroups: [{
      title: 'Blocked requests',
      metrics: [alarms ? {
        metric: blocked,
        alarmFriendlyName: 'Blocked',
        addAlarm: {
          [WARNING]: {
            threshold: t.site.blockedRequests,
            comparisonOperator: GT,
            ...sustained(`WebACL ${n.human} blocked more than ${t.site.blockedRequests} requests in 5 minutes: an attack, a bot, or a rule blocking real users.`,
              'the WAF request log (terminatingRuleId, clientIp, country): one source (keep blocking) or many real users (a rule to tune).'),
          },
        },
      } : blocked],
    }],
  });
}

function monitorCache(facade: MonitoringFacade, c: RedisCache, n: Names, t: Thresholds): void {
  const group: elasticache.CfnReplicationGroup = c.replicationGroup;
  const nodes = typeof group.numCacheClusters === 'number' ? group.numCacheClusters : 1;
  for (let i = 1; i <= nodes; i++) {
    // Members of a replication group without cluster mode are named <group id>-001, -002, ...
    const nodeId = Fn.join('-', [group.ref, String(i).padStart(3, '0')]);
    const node = `${n.human} node ${i}`;
    const friendly = `${n.friendly}-${String(i).padStart(3, '0')}`;
    facade.monitorElastiCacheCluster({
      clusterId: nodeId,
      clusterType: loadMonitoringConstructs().ElastiCacheClusterType.REDIS,
      alarmFriendlyName: friendly,
      humanReadableName: `Cache ${node}`,
      addCpuUsageAlarm: {
        [WARNING]: {
          maxUsagePercent: t.cache.cpuPercent,
          ...sustained(`Host CPU of cache ${node} is above ${t.cache.cpuPercent}%.`, 'EngineCPUUtilization (the engine thread) and the slow log group: expensive commands.'),
        },
      },
      addRedisEngineCpuUsageAlarm: {
        [WARNING]: {
          maxUsagePercent: t.cache.engineCpuPercent,
          ...sustained(`The engine thread of cache ${node} is above ${t.cache.engineCpuPercent}% CPU: commands queue up and latency rises.`,
            'the slow log group (KEYS, large values, Lua) and the command rate; then a larger node type.'),
        },
      },
      addMaxEvictedItemsCountAlarm: {
        [WARNING]: {
          maxItemsCount: t.cache.evictions,
          ...once(`Cache ${node} evicted keys for memory: results are recomputed and locks can disappear.`,
            'DatabaseMemoryUsagePercentage and the keys without TTL; then a larger node type.'),
        },
      },
    });
    const dims = { CacheClusterId: nodeId };
    facade.monitorCustom({
      alarmFriendlyName: `${friendly}-Memory`,
      humanReadableName: `Cache ${node} memory and replication`,
      metricGroups: [
        {
          title: 'Memory used by data (%)',
          metrics: [{
            metric: metric({ namespace: 'AWS/ElastiCache', metricName: 'DatabaseMemoryUsagePercentage', dimensionsMap: dims, statistic: 'Maximum', label: 'memory %' }),
            alarmFriendlyName: 'Memory',
            addAlarm: {
              [WARNING]: {
                threshold: t.cache.memoryPercent,
                comparisonOperator: GT,
                ...sustained(`Data fills more than ${t.cache.memoryPercent}% of cache ${node}'s memory: evictions are next.`,
                  'the key count and keys without TTL (a leak), then a larger node type.'),
              },
            },
          }],
        },
        {
          title: 'Replication lag (s)',
          metrics: [{
            metric: metric({ namespace: 'AWS/ElastiCache', metricName: 'ReplicationLag', dimensionsMap: dims, statistic: 'Maximum', label: 'lag' }),
            alarmFriendlyName: 'ReplicationLag',
            addAlarm: {
              [WARNING]: {
                threshold: t.cache.replicationLag.toSeconds(),
                comparisonOperator: GT,
                ...sustained(`Replica ${node} is more than ${t.cache.replicationLag.toHumanString()} behind the primary: reads from the reader endpoint are stale and a failover would lose writes.`,
                  'the primary\'s write rate and network bytes out; the replica\'s CPU.'),
              },
            },
          }],
        },
      ],
    });
  }
}

function monitorPipeline(scope: Construct, facade: MonitoringFacade, p: DeliveryPipeline, n: Names, index: number, key: kms.Key): void {
  // The alarm counts the failed executions an EventBridge rule matches (AWS/Events MatchedEvents);
  // the rule keeps each failed execution's event (pipeline, execution id) in a queue for 14 days,
  // its undeliverable events in that queue's dead-letter queue.
  const record = new WorkQueue(scope, `PipelineFailures${index}Record`, { encryptionKey: key, retentionPeriod: Duration.days(14) });
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'EventBridgeWritesFailedExecutions',
    principals: [new iam.ServicePrincipal('events.amazonaws.com')],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
  }));
  const rule = new events.Rule(scope, `PipelineFailures${index}`, {
    description: `Failed executions of the pipelines of ${n.human}`,
    eventPattern: {
      source: ['aws.codepipeline'],
      detailType: ['CodePipeline Pipeline Execution State Change'],
      detail: { state: ['FAILED'], pipeline: p.pipelines.map((cp) => cp.pipeline.pipelineName) },
    },
    targets: [new eventsTargets.SqsQueue(record.queue, { deadLetterQueue: record.deadLetterQueue })],
  });
  facade.monitorCustom({
    alarmFriendlyName: `${n.friendly}-Failures`,
    humanReadableName: `Delivery ${n.human}`,
    metricGroups: [{
      title: 'Failed pipeline executions',
      metrics: [{
        metric: metric({ namespace: 'AWS/Events', metricName: 'MatchedEvents', dimensionsMap: { RuleName: rule.ruleName }, statistic: 'Sum', label: 'failed executions' }),
        alarmFriendlyName: 'FailedExecutions',
        addAlarm: {
          [WARNING]: {
            threshold: 0,
            comparisonOperator: GT,
            ...once(`A delivery pipeline of ${n.human} failed: that environment did not get the change.`,
              'the failed action in the CodePipeline console and its CodeBuild log (tests, the compliance gate, a deployment error).'),
          },
        },
      }],
    }],
  });
}
