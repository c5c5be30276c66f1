import { Duration, Stack, StackProps, Stage } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Construct } from 'constructs';
import { COMPOSITION_DURATION_METRIC } from './handlers/compose';
import { CACHE_METRICS } from './handlers/post-composition';
import { IMAGES_SERVICE, type ImagesApiStack } from './images-api-stack';
import type { ImagesDataStack } from './images-data-stack';
import { ServiceMonitoring } from '../../src/monitoring';

export interface ImagesMonitoringStackProps extends StackProps {
  /** The stage whose stacks are monitored (every construct of it in this region is discovered). */
  readonly stage: Stage;
  readonly api: ImagesApiStack;
  readonly data: ImagesDataStack;
  /**
   * E-mail addresses that receive the alarms.
   *
   * @default - none: subscribe to the alarm topic yourself
   */
  readonly alarmEmails?: string[];
}

/** The namespace and `service` dimension of the metrics the images handlers emit (Powertools Metrics, the functions' service name). */
export const IMAGES_METRICS_NAMESPACE = IMAGES_SERVICE;

/** Below this share of composition requests answered from the cache for half an hour, the cache alarm fires. */
export const CACHE_HIT_RATIO_ALARM_PERCENT = 20;

function custom(metricName: string, statistic: string, label: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: IMAGES_METRICS_NAMESPACE, metricName, dimensionsMap: { service: IMAGES_SERVICE }, statistic, period: Duration.minutes(5), label,
  });
}

/**
 * Alarms and the dashboard of one images deployment: every construct of the stage (the API and its
 * functions, the worker, the table, the queue and its dead-letter queue, the cache, the assets
 * distribution and both WAFs), with the age of the oldest queued composition, the composition
 * duration p99 and the cache hit ratio next to the technical signals.
 */
export class ImagesMonitoringStack extends Stack {
  public readonly monitoring: ServiceMonitoring;
  /** Too few compositions served from the cache (many new combinations, or the cache lost its keys). */
  public readonly cacheHitRatioAlarm: cloudwatch.Alarm;
  /** The worker composes slowly (p99 of CompositionDuration over 80% of its timeout). */
  public readonly compositionDurationAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ImagesMonitoringStackProps) {
    super(scope, id, props);
    const hits = custom(CACHE_METRICS.hit, 'Sum', 'answered from the cache');
    const misses = custom(CACHE_METRICS.miss, 'Sum', 'queued (not composed before)');
    const hitRatio = new cloudwatch.MathExpression({
      expression: 'IF(hits + misses > 0, 100 * hits / (hits + misses), 100)',
      usingMetrics: { hits, misses },
      period: Duration.minutes(5),
      label: 'cache hit ratio (%)',
    });
    const duration = custom(COMPOSITION_DURATION_METRIC, 'p99', 'composition duration p99 (ms)');
    const queueAge = props.data.compositions.queue.metricApproximateAgeOfOldestMessage({
      statistic: 'Maximum', period: Duration.minutes(1), label: 'oldest queued composition (s)',
    });

    this.monitoring = new ServiceMonitoring(this, 'Monitoring', {
      scope: props.stage,
      alarmEmails: props.alarmEmails,
      serviceMetrics: [
        { title: 'Compositions per 5 minutes', metrics: [hits, misses] },
        { title: 'Cache hit ratio (%)', metrics: [hitRatio] },
        { title: 'Composition duration p99 (ms)', metrics: [duration] },
        { title: 'Oldest queued composition (s)', metrics: [queueAge] },
      ],
    });

    const prefix = this.monitoring.serviceName;
    this.cacheHitRatioAlarm = hitRatio.createAlarm(this, 'CacheHitRatio', {
      alarmName: `${prefix}-CacheHitRatio`,
      alarmDescription: `Under ${CACHE_HIT_RATIO_ALARM_PERCENT}% of composition requests were answered from the cache for 30 minutes: `
        + 'every miss is a composition. First check: the cache\'s evictions and memory on the dashboard (keys lost), then whether the requests are new combinations.',
      threshold: CACHE_HIT_RATIO_ALARM_PERCENT,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 6,
      datapointsToAlarm: 6,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const timeoutMs = props.api.worker.function.timeout!.toMilliseconds();
    this.compositionDurationAlarm = duration.createAlarm(this, 'CompositionDurationP99', {
      alarmName: `${prefix}-CompositionDurationP99`,
      alarmDescription: `The p99 of the worker's composition duration is above 80% of its ${timeoutMs} ms timeout (and of the lock): `
        + 'compositions may soon time out and be composed twice. First check: the worker\'s memory and the size of the originals.',
      threshold: Math.round(0.8 * timeoutMs),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const notify = new cwActions.SnsAction(this.monitoring.alarmTopic);
    for (const alarm of [this.cacheHitRatioAlarm, this.compositionDurationAlarm]) alarm.addAlarmAction(notify);
  }
}
