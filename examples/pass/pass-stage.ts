import { Stage, StageProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PassAnalyticsStack } from './pass-analytics-stack';
import { PassApiStack } from './pass-api-stack';
import { PassMonitoringStack } from './pass-monitoring-stack';
import { PassSiteStack } from './pass-site-stack';

export interface PassStageProps extends StageProps {
  /**
   * The approval rules (JSON; see domain/rules.ts).
   *
   * @default DEFAULT_RULES
   */
  readonly rules?: Record<string, unknown>;
  /**
   * The account's Lambda concurrency quota in this region.
   *
   * @default 1000
   */
  readonly accountConcurrency?: number;
  /**
   * The managed login domain prefix.
   *
   * @default - derived from the stage's path and the account (see PassApiStackProps)
   */
  readonly loginDomainPrefix?: string;
  /**
   * A login domain of your own (with `loginCertificateArn`, in us-east-1).
   *
   * @default - the prefix domain
   */
  readonly loginDomainName?: string;
  /**
   * The ACM certificate for `loginDomainName`.
   *
   * @default - none
   */
  readonly loginCertificateArn?: string;
  /**
   * The identity provider's check endpoint (HTTPS) that `POST /registrations` sends identity
   * evidence to (see domain/identity.ts for the contract).
   *
   * @default - none: registrations answer 503 until one is configured (nobody is registered unchecked)
   */
  readonly identityVerifierUrl?: string;
  /**
   * E-mail addresses that receive the alarms.
   *
   * @default - none: subscribe to the monitoring stack's alarm topic yourself
   */
  readonly alarmEmails?: string[];
  /**
   * Regions holding a replica of the pass table (see PassApiStackProps); needs `env.region`.
   *
   * @default - no replicas: one region
   */
  readonly replicaRegions?: string[];
}

/** One deployment of the movement pass: the analytics archive, the backend and the site. */
export class PassStage extends Stage {
  public readonly analytics: PassAnalyticsStack;
  public readonly api: PassApiStack;
  public readonly site: PassSiteStack;
  public readonly monitoring: PassMonitoringStack;

  constructor(scope: Construct, id: string, props: PassStageProps = {}) {
    super(scope, id, props);
    this.analytics = new PassAnalyticsStack(this, 'PassAnalytics', { description: 'Movement pass: event archive (Kinesis, Firehose, S3, Glue, Athena)' });
    this.api = new PassApiStack(this, 'PassApi', {
      eventStream: this.analytics.archive.stream,
      rules: props.rules,
      accountConcurrency: props.accountConcurrency,
      loginDomainPrefix: props.loginDomainPrefix,
      loginDomainName: props.loginDomainName,
      loginCertificateArn: props.loginCertificateArn,
      identityVerifierUrl: props.identityVerifierUrl,
      replicaRegions: props.replicaRegions,
      description: 'Movement pass: identity, API, table, approval queue and workers',
    });
    this.site = new PassSiteStack(this, 'PassSite', {
      api: this.api.api.api,
      userPool: this.api.userPool,
      loginDomainHost: this.api.loginDomainHost,
      description: 'Movement pass: public site on CloudFront',
    });
    this.monitoring = new PassMonitoringStack(this, 'PassMonitoring', {
      stage: this,
      api: this.api,
      accountConcurrency: props.accountConcurrency,
      alarmEmails: props.alarmEmails,
      description: 'Movement pass: alarms, alarm topic and dashboard',
    });
  }
}
