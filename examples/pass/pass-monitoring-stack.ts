import { Duration, Stack, StackProps, Stage } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Construct } from 'constructs';
import { PassApiStack } from './pass-api-stack';
import { ServiceMonitoring } from '../../src/monitoring';

export interface PassMonitoringStackProps extends StackProps {
  /** The stage whose stacks are monitored. */
  readonly stage: Stage;
  /** The backend: its approval queue is on the dashboard next to the reviewers' queue. */
  readonly api: PassApiStack;
  /**
   * The account's Lambda concurrency quota in this region.
   *
   * @default 1000
   */
  readonly accountConcurrency?: number;
  /**
   * E-mail addresses that receive the alarms.
   *
   * @default - none
   */
  readonly alarmEmails?: string[];
}

/** The namespace and dimension of the metrics the pass handlers emit through Powertools Metrics. */
const NAMESPACE = 'movement-pass';

/**
 * Replication lag (ms, average over a minute) above which the two-region service's RPO is at risk:
 * AWS documents replication of a global table as typically within a second; five times that for
 * five minutes on end is a replica falling behind, not a spike (docs/active-active.md).
 */
export const REPLICATION_LATENCY_ALARM_MS = 5_000;

function business(metricName: string, label: string, statistic = 'Sum', period = Duration.minutes(1)): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: NAMESPACE, metricName, dimensionsMap: { service: NAMESPACE }, statistic, period, label });
}

/**
 * Alarms and the dashboard of one movement pass deployment: every construct of the stage, with
 * applications, approvals, the review queue and checks next to the technical signals.
 */
export class PassMonitoringStack extends Stack {
  public readonly monitoring: ServiceMonitoring;
  /** One alarm per replica region on the pass table's `ReplicationLatency` (none for one region). */
  public readonly replicationLatencyAlarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: PassMonitoringStackProps) {
    super(scope, id, props);
    this.monitoring = new ServiceMonitoring(this, 'Monitoring', {
      scope: props.stage,
      alarmEmails: props.alarmEmails,
      functions: { accountConcurrencyLimit: props.accountConcurrency ?? 1000 },
      serviceMetrics: [
        { title: 'Applications per minute', metrics: [business('ApplicationsSubmitted', 'applications')] },
        { title: 'Decisions per minute', metrics: [business('PassesApproved', 'approved'), business('PassesRejected', 'rejected')] },
        {
          title: 'Review queue',
          metrics: [
            business('ReviewQueueDepth', 'waiting for a reviewer (as reviewers see it, up to 50)', 'Maximum', Duration.minutes(5)),
            business('ReviewsQueued', 'sent to reviewers per minute'),
            business('ReviewsDecided', 'decided by reviewers per minute'),
            props.api.approvals.queue.metricApproximateNumberOfMessagesVisible({ label: 'waiting for the rules worker', period: Duration.minutes(1), statistic: 'Maximum' }),
          ],
        },
        { title: 'Checks per minute', metrics: [business('PassesChecked', 'checks')] },
      ],
    });
    this.alarmOnReplication(props.api);
  }

  /**
   * DynamoDB publishes `ReplicationLatency` in the region a write is made, per receiving replica:
   * a replica behind by more than REPLICATION_LATENCY_ALARM_MS is what a region loss would lose
   * (until the region returns), so it pages like any other alarm.
   */
  private alarmOnReplication(api: PassApiStack): void {
    if (api.replicaRegions.length === 0) return;
    const prefix = this.monitoring.serviceName;
    const notify = new cwActions.SnsAction(this.monitoring.alarmTopic);
    const metrics = api.replicaRegions.map((receivingRegion) => new cloudwatch.Metric({
      namespace: 'AWS/DynamoDB',
      metricName: 'ReplicationLatency',
      dimensionsMap: { TableName: api.table.tableName, ReceivingRegion: receivingRegion },
      statistic: 'Average',
      period: Duration.minutes(1),
    }));
    metrics.forEach((metric, i) => {
      const receivingRegion = api.replicaRegions[i];
      const alarm = metric.createAlarm(this, `ReplicationLatency-${receivingRegion}`, {
        alarmName: `${prefix}-ReplicationLatency-${receivingRegion}`,
        alarmDescription: `The pass table's writes reach its ${receivingRegion} replica more than ${REPLICATION_LATENCY_ALARM_MS} ms late for 5 minutes: `
          + 'what a region loss now would leave unavailable (the RPO) is growing. First check: the table\'s ReplicationLatency and throttling in both regions, and the AWS Health Dashboard.',
        threshold: REPLICATION_LATENCY_ALARM_MS,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 5,
        datapointsToAlarm: 5,
        // No writes, no metric: nothing is waiting to replicate.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
      this.replicationLatencyAlarms.push(alarm);
    });
    this.monitoring.dashboard.addWidgets(new cloudwatch.GraphWidget({
      title: 'Pass table replication latency',
      left: metrics.map((m, i) => m.with({ label: `to ${api.replicaRegions[i]} (ms)` })),
      leftAnnotations: [{ value: REPLICATION_LATENCY_ALARM_MS, label: 'alarm' }],
      width: 24,
    }));
  }
}
