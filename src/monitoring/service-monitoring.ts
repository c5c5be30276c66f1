import { Annotations, Aspects, Duration, IAspect, Lazy, Names, Stack, Stage, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import type { MonitoringFacade } from 'cdk-monitoring-constructs';
import { Construct, IConstruct } from 'constructs';
import {
  ApiAlarmThresholds, ArchiveAlarmThresholds, CacheAlarmThresholds, FunctionAlarmThresholds,
  QueueAlarmThresholds, SiteAlarmThresholds, TableAlarmThresholds,
} from './alarm-thresholds';
import { loadMonitoringConstructs } from './private/monitoring-constructs';
import { CRITICAL, discover, monitorAll, resolveThresholds } from './private/monitors';
import { WorkQueue } from '../messaging/work-queue';
import { secureKey } from '../private/kms-key';
import { Validation } from '../private/validation';

/** A group of metrics shown side by side on the service dashboard, under the golden signals. */
export interface ServiceMetricGroup {
  /** The widget's title, e.g. `Applications per minute`. */
  readonly title: string;
  /** The metrics (e.g. the custom metrics the handlers emit through Powertools Metrics). */
  readonly metrics: cloudwatch.IMetric[];
}

/** Props of `ServiceMonitoring`. */
export interface ServiceMonitoringProps {
  /**
   * The stack or stage whose cdk-rampart constructs are monitored. Constructs added to it later
   * (before synth) are monitored too; stages nested in it (e.g. a pipeline's environments) are not.
   *
   * @default - the stack holding this construct
   */
  readonly scope?: IConstruct;
  /**
   * The service's name: the dashboard's name and the prefix of every alarm name (letters, digits,
   * `-` and `_`).
   *
   * @default - the stack name
   */
  readonly serviceName?: string;
  /**
   * E-mail addresses subscribed to the alarm topic.
   *
   * @default - none: subscribe to `alarmTopic` yourself (e.g. AWS Chatbot)
   */
  readonly alarmEmails?: string[];
  /**
   * Business metrics shown on the dashboard right under the golden signals.
   *
   * @default - none
   */
  readonly serviceMetrics?: ServiceMetricGroup[];
  /**
   * Thresholds of the `TracedApi` alarms.
   *
   * @default - see `ApiAlarmThresholds`
   */
  readonly api?: ApiAlarmThresholds;
  /**
   * Thresholds of the `TracedFunction` alarms.
   *
   * @default - see `FunctionAlarmThresholds`
   */
  readonly functions?: FunctionAlarmThresholds;
  /**
   * Thresholds of the `DataTable` alarms.
   *
   * @default - see `TableAlarmThresholds`
   */
  readonly tables?: TableAlarmThresholds;
  /**
   * Thresholds of the `WorkQueue` alarms (and of the dead-letter queue of a `LocationTracking`
   * with a consumer).
   *
   * @default - see `QueueAlarmThresholds`
   */
  readonly queues?: QueueAlarmThresholds;
  /**
   * Thresholds of the `EventArchive` alarms.
   *
   * @default - see `ArchiveAlarmThresholds`
   */
  readonly archive?: ArchiveAlarmThresholds;
  /**
   * Thresholds of the `SecureSite` and WebACL alarms.
   *
   * @default - see `SiteAlarmThresholds`
   */
  readonly site?: SiteAlarmThresholds;
  /**
   * Thresholds of the `RedisCache` alarms.
   *
   * @default - see `CacheAlarmThresholds`
   */
  readonly cache?: CacheAlarmThresholds;
}

const SERVICE_NAME = /^[A-Za-z0-9_-]{1,200}$/;

/**
 * Alarms and a dashboard for every cdk-rampart construct in a stack or a stage, built on
 * cdk-monitoring-constructs: the alarms an on-call engineer sets on day one (thresholds in the
 * props), each with a description saying what it means and what to check first, all notifying one
 * KMS-encrypted, TLS-only SNS topic; one dashboard with the golden signals on top; and a composite
 * "service unhealthy" alarm over the alarms users feel.
 *
 * @exampleMetadata fixture=construct
 * @example
 * import { ServiceMonitoring } from 'cdk-rampart';
 *
 * new ServiceMonitoring(this, 'Monitoring', { alarmEmails: ['oncall@example.com'] });
 */
export class ServiceMonitoring extends Construct {
  /** The cdk-monitoring-constructs facade: add your own `monitorXxx()` segments and alarms to it. */
  public readonly facade: MonitoringFacade;
  /** The topic every alarm notifies. */
  public readonly alarmTopic: sns.Topic;
  /** The key encrypting the topic. */
  public readonly encryptionKey: kms.Key;
  /** The service dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** The composite alarm: in ALARM while any alarm users feel is (5xx, latency, throttling, errors, lost messages). */
  public readonly unhealthyAlarm: cloudwatch.CompositeAlarm;
  /** With `alarmEmails`: the queue keeping the notifications SNS could not deliver (14 days). */
  public readonly undeliveredNotifications?: WorkQueue;
  /** The service name (dashboard name and alarm name prefix). */
  public readonly serviceName: string;

  private monitored = false;

  constructor(scope: Construct, id: string, props: ServiceMonitoringProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const serviceName = props.serviceName
      ?? (Token.isUnresolved(stack.stackName) ? Names.uniqueResourceName(this, { maxLength: 200, separator: '-' }) : stack.stackName);
    const target = props.scope ?? stack;

    const v = new Validation('ServiceMonitoring', this);
    v.matches('serviceName', serviceName, SERVICE_NAME, '1 to 200 letters, digits, - and _');
    (props.alarmEmails ?? []).forEach((e, i) => v.matches(`alarmEmails[${i}]`, e, /^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'an e-mail address'));
    if (!Stack.isStack(target) && !Stage.isStage(target)) {
      v.fail('scope', target, 'a stack or a stage');
    }
    const thresholds = resolveThresholds(v, props);
    v.throwIfInvalid();
    this.serviceName = serviceName;

    this.encryptionKey = secureKey(this, 'Key', { description: `Alarm notifications of ${serviceName}` });
    // Alarms publish to an encrypted topic only when CloudWatch may use its key.
    this.encryptionKey.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    }));
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `${serviceName} alarms`,
      masterKey: this.encryptionKey,
      enforceSSL: true,
    });
    if ((props.alarmEmails ?? []).length > 0) {
      // A notification SNS could not deliver waits here instead of being dropped (its redrive policy).
      this.undeliveredNotifications = new WorkQueue(this, 'Undelivered', { encryptionKey: this.encryptionKey, retentionPeriod: Duration.days(14) });
      this.encryptionKey.addToResourcePolicy(new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('sns.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }));
      for (const email of props.alarmEmails ?? []) {
        this.alarmTopic.addSubscription(new subs.EmailSubscription(email, { deadLetterQueue: this.undeliveredNotifications.queue }));
      }
    }

    const { DefaultDashboardFactory, MonitoringFacade: Facade, notifySns } = loadMonitoringConstructs();
    const dashboards = new DefaultDashboardFactory(this, 'Dashboards', {
      dashboardNamePrefix: serviceName,
      createDashboard: true,
      createSummaryDashboard: false,
      createAlarmDashboard: false,
    });
    this.dashboard = dashboards.dashboard!;
    this.facade = new Facade(this, 'Facade', {
      alarmFactoryDefaults: { alarmNamePrefix: serviceName, actionsEnabled: true, action: notifySns(this.alarmTopic) },
      metricFactoryDefaults: {},
      dashboardFactory: dashboards,
    });

    // The composite's children are known once the scope is complete: its rule is rendered then.
    this.unhealthyAlarm = new cloudwatch.CompositeAlarm(this, 'Unhealthy', {
      compositeAlarmName: `${serviceName}-ServiceUnhealthy`,
      alarmDescription: `${serviceName} is unhealthy: at least one alarm users feel is in ALARM (5xx, latency, throttling, `
        + 'function errors, table errors, messages in a dead-letter queue, archive delivery failures). First check: '
        + `the dashboard ${serviceName}, then the child alarm in ALARM and its own first check.`,
      alarmRule: cloudwatch.AlarmRule.fromString(Lazy.string({
        produce: () => {
          const children = this.facade.createdAlarmsWithDisambiguator(CRITICAL).map((a) => a.alarm);
          return children.length > 0 ? cloudwatch.AlarmRule.anyOf(...children).renderAlarmRule() : 'FALSE';
        },
      })),
    });
    this.unhealthyAlarm.addAlarmAction(new cwActions.SnsAction(this.alarmTopic));

    const self = this;
    const aspect: IAspect = {
      visit(node: IConstruct) {
        if (node !== self || self.monitored) return;
        self.monitored = true;
        const found = discover(target, self);
        for (const skipped of found.skipped) {
          Annotations.of(self).addWarningV2('@cdk-rampart/monitoring:otherEnvironment',
            `${skipped.node.path} is in another account or region than this stack: not monitored (alarms only see metrics of their own region)`);
        }
        monitorAll(self, self.facade, target, found, thresholds, props.serviceMetrics ?? [], self.encryptionKey);
      },
    };
    Aspects.of(this).add(aspect);
  }
}

