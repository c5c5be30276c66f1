import { createHash } from 'crypto';
import { Stage, StageProps, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PassAnalyticsStack } from './pass-analytics-stack';
import { PassApiStack } from './pass-api-stack';
import { PassMonitoringStack } from './pass-monitoring-stack';
import { PassSiteStack } from './pass-site-stack';
import { REGION, Validation } from '../../src/private/validation';

/** The regions of the two-region service by default: Mumbai (the registry) and Singapore. */
export const DEFAULT_ACTIVE_REGIONS = ['ap-south-1', 'ap-southeast-1'];

export interface PassActiveStageProps extends Omit<StageProps, 'env'> {
  /**
   * The account every region deploys to.
   *
   * @default - the account of the deploying credentials
   */
  readonly account?: string;
  /**
   * The service's regions, the registry (and primary of the global table) first: two or more.
   *
   * @default DEFAULT_ACTIVE_REGIONS
   */
  readonly regions?: string[];
  /**
   * The approval rules (JSON; see domain/rules.ts), the same in every region.
   *
   * @default DEFAULT_RULES
   */
  readonly rules?: Record<string, unknown>;
  /**
   * The account's Lambda concurrency quota in each region.
   *
   * @default 1000
   */
  readonly accountConcurrency?: number;
  /**
   * The identity provider's check endpoint (HTTPS).
   *
   * @default - none: registrations answer 503 until one is configured
   */
  readonly identityVerifierUrl?: string;
  /**
   * E-mail addresses that receive every region's alarms.
   *
   * @default - none
   */
  readonly alarmEmails?: string[];
}

/** One region of the two-region service: its event archive, backend and monitoring. */
export interface PassRegion {
  readonly region: string;
  readonly analytics: PassAnalyticsStack;
  readonly api: PassApiStack;
  readonly monitoring: PassMonitoringStack;
}

/**
 * The movement pass active-active (docs/active-active.md): in each region its own API, user pool,
 * approval queue, rules worker, stream consumer, outbox, signing key and `EventArchive`, with
 * `PASS_REGIONS` on every function; the pass table a global table created in the first region
 * with a replica in each other one. The site (CloudFront) is deployed once, from the first region.
 */
export class PassActiveStage extends Stage {
  public readonly regions: PassRegion[];
  public readonly site: PassSiteStack;

  constructor(scope: Construct, id: string, props: PassActiveStageProps = {}) {
    super(scope, id, props);
    const regions = props.regions ?? DEFAULT_ACTIVE_REGIONS;
    validate(this, regions);
    // Every replica has the table's name: a fixed one, unique per stage, so each region finds its replica.
    const tableName = `movement-pass-${createHash('sha256').update(this.node.path).digest('hex').slice(0, 8)}`;
    const [primary, ...others] = regions;
    this.regions = regions.map((region) => {
      const env = { account: props.account, region };
      const analytics = new PassAnalyticsStack(this, `PassAnalytics-${region}`, { env, description: `Movement pass (${region}): event archive (Kinesis, Firehose, S3, Glue, Athena)` });
      const api = new PassApiStack(this, `PassApi-${region}`, {
        env,
        eventStream: analytics.archive.stream,
        rules: props.rules,
        accountConcurrency: props.accountConcurrency,
        identityVerifierUrl: props.identityVerifierUrl,
        serviceRegions: regions,
        ...(region === primary ? { tableName, replicaRegions: others } : { replicaOfTable: tableName }),
        description: `Movement pass (${region}): identity, API, ${region === primary ? 'the global table' : 'its replica of the global table'}, approval queue and workers`,
      });
      const monitoring = new PassMonitoringStack(this, `PassMonitoring-${region}`, {
        env,
        stage: this,
        api,
        accountConcurrency: props.accountConcurrency,
        alarmEmails: props.alarmEmails,
        description: `Movement pass (${region}): alarms, alarm topic and dashboard`,
      });
      return { region, analytics, api, monitoring };
    });
    const first = this.regions[0].api;
    for (const r of this.regions.slice(1)) r.api.addStackDependency(first, 'its replica of the global table exists once the first region has created it');
    this.site = new PassSiteStack(this, 'PassSite', {
      env: { account: props.account, region: primary },
      api: first.api.api,
      userPool: first.userPool,
      loginDomainHost: first.loginDomainHost,
      description: `Movement pass: public site on CloudFront (API and sign-in of ${primary})`,
    });
  }
}

function validate(scope: Construct, regions: string[]): void {
  const v = new Validation('PassActiveStage', scope);
  v.check('regions', regions, regions.length >= 2, 'two or more regions, the registry first');
  v.check('regions', regions, regions.every((r) => !Token.isUnresolved(r) && REGION.test(r)), "literal region names such as 'ap-south-1'");
  v.check('regions', regions, new Set(regions).size === regions.length, 'each region once');
  v.throwIfInvalid();
}
