import { Duration, Stack, StackProps, Stage } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
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

function business(metricName: string, label: string, statistic = 'Sum', period = Duration.minutes(1)): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: NAMESPACE, metricName, dimensionsMap: { service: NAMESPACE }, statistic, period, label });
}

/**
 * Alarms and the dashboard of one movement pass deployment: every construct of the stage, with
 * applications, approvals, the review queue and checks next to the technical signals.
 */
export class PassMonitoringStack extends Stack {
  public readonly monitoring: ServiceMonitoring;

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
  }
}
