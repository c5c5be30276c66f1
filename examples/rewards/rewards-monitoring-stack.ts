import { Duration, Stack, StackProps, Stage } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { BALANCE_UPDATES_METRIC, TRANSACTION_METRICS } from './handlers/post-transaction';
import type { RewardsAnalyticsStack } from './rewards-analytics-stack';
import type { RewardsApiStack } from './rewards-api-stack';
import { ServiceMonitoring } from '../../src/monitoring';

export interface RewardsMonitoringStackProps extends StackProps {
  /** The stage whose stacks are monitored (every construct of it is discovered). */
  readonly stage: Stage;
  /** The API: its stream forwarders' lag is on the dashboard. */
  readonly api: RewardsApiStack;
  /** The streams: how far their slowest reader (the archive or the users domain) is behind. */
  readonly analytics: RewardsAnalyticsStack;
  /**
   * The account's Lambda concurrency quota in this region.
   *
   * @default 1000
   */
  readonly accountConcurrency?: number;
  /**
   * E-mail addresses that receive the alarms.
   *
   * @default - none: subscribe to the alarm topic yourself
   */
  readonly alarmEmails?: string[];
}

/** The namespace and `service` dimension of the metrics the rewards handlers emit through Powertools Metrics (the functions' service name). */
export const REWARDS_METRICS_NAMESPACE = 'rewards';

function business(metricName: string, label: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: REWARDS_METRICS_NAMESPACE, metricName, dimensionsMap: { service: REWARDS_METRICS_NAMESPACE }, statistic: 'Sum', period: Duration.minutes(1), label,
  });
}

/**
 * Alarms and the dashboard of one rewards deployment: every construct of the stage (API, functions,
 * tables, queues, streams and archives, sites, the users service), with encounters, balance updates
 * and the lag of each stream next to the technical signals.
 */
export class RewardsMonitoringStack extends Stack {
  public readonly monitoring: ServiceMonitoring;

  constructor(scope: Construct, id: string, props: RewardsMonitoringStackProps) {
    super(scope, id, props);
    this.monitoring = new ServiceMonitoring(this, 'Monitoring', {
      scope: props.stage,
      alarmEmails: props.alarmEmails,
      functions: { accountConcurrencyLimit: props.accountConcurrency ?? 1000 },
      serviceMetrics: [
        { title: 'Encounters per minute', metrics: [business(TRANSACTION_METRICS.encounter, 'encounters (civilian and officer met)')] },
        {
          title: 'Other transactions per minute',
          metrics: [
            business(TRANSACTION_METRICS.donation, 'donations'),
            business(TRANSACTION_METRICS.giveaway, 'giveaways'),
            business(TRANSACTION_METRICS.exchange, 'goods exchanged at merchants'),
          ],
        },
        { title: 'Balance updates per minute', metrics: [business(BALANCE_UPDATES_METRIC, 'balances changed')] },
        {
          title: 'Stream lag (maximum, ms)',
          metrics: [
            props.api.forwarder.function.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(1), label: 'transactions table → transactions stream' }),
            props.api.usersForwarder.function.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(1), label: 'accounts table → users stream' }),
            props.analytics.transactions.stream.metricGetRecordsIteratorAgeMilliseconds({ statistic: 'Maximum', period: Duration.minutes(1), label: 'transactions stream → its slowest reader' }),
            props.analytics.users.stream.metricGetRecordsIteratorAgeMilliseconds({ statistic: 'Maximum', period: Duration.minutes(1), label: 'users stream → its slowest reader' }),
          ],
        },
      ],
    });
  }
}
