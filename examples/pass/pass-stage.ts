import { Stage, StageProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PassAnalyticsStack } from './pass-analytics-stack';
import { PassApiStack } from './pass-api-stack';
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
}

/** One deployment of the movement pass: the analytics archive, the backend and the site. */
export class PassStage extends Stage {
  public readonly analytics: PassAnalyticsStack;
  public readonly api: PassApiStack;
  public readonly site: PassSiteStack;

  constructor(scope: Construct, id: string, props: PassStageProps = {}) {
    super(scope, id, props);
    this.analytics = new PassAnalyticsStack(this, 'PassAnalytics', { description: 'Movement pass: event archive (Kinesis, Firehose, S3, Glue, Athena)' });
    this.api = new PassApiStack(this, 'PassApi', {
      eventStream: this.analytics.archive.stream,
      rules: props.rules,
      accountConcurrency: props.accountConcurrency,
      description: 'Movement pass: identity, API, table, approval queue and workers',
    });
    this.site = new PassSiteStack(this, 'PassSite', {
      api: this.api.api.api,
      userPoolId: this.api.userPool.userPoolId,
      userPoolClientId: this.api.userPoolClient.userPoolClientId,
      description: 'Movement pass: public site on CloudFront',
    });
  }
}
