import { Stage, StageProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { RewardsCatalogSiteStack } from './catalog-site-stack';
import { RewardsAnalyticsStack } from './rewards-analytics-stack';
import { RewardsApiStack } from './rewards-api-stack';
import { RewardsMonitoringStack } from './rewards-monitoring-stack';
import { RewardsUsersStack } from './rewards-users-stack';
import { RewardsWebStack } from './rewards-web-stack';
import type { ServiceMonitoring } from '../../src/monitoring';
import type { DeliveryEnvironment, IDeliveryStageFactory } from '../../src/pipeline';
import { SiteDomain, splitDomainNames } from '../shared/stack';

export interface RewardsStageProps extends StageProps {
  /**
   * The account's Lambda concurrency quota in this region.
   *
   * @default 1000
   */
  readonly accountConcurrency?: number;
  /**
   * The identity provider's check endpoint (HTTPS).
   *
   * @default - none: sign-ups answer 503 until one is configured
   */
  readonly idVerifierUrl?: string;
  /**
   * The catalog registry's export (HTTPS).
   *
   * @default - none: the scheduled import imports nothing
   */
  readonly catalogUrl?: string;
  /**
   * E-mail addresses that receive the alarms.
   *
   * @default - none: subscribe to the monitoring stack's alarm topic yourself
   */
  readonly alarmEmails?: string[];
  /**
   * The ACM certificate (in the stage's region) of the users service's internal load balancer,
   * for the name its clients call.
   *
   * @default - none: no users service (RewardsUsers stack); its HTTPS listener needs a certificate
   */
  readonly usersCertificateArn?: string;
  /**
   * The ECR repository (ARN and name) of the users service's image, as the delivery pipeline builds it.
   *
   * @default - the image is built from users-domain/ when the stage is deployed
   */
  readonly usersImageRepository?: { readonly arn: string; readonly name: string };
  /**
   * The tag of the users service's image in `usersImageRepository`.
   *
   * @default 'latest'
   */
  readonly usersImageTag?: string;
  /**
   * The web apps' custom domain: its names and their us-east-1 certificate.
   *
   * @default - the web site's `*.cloudfront.net` name with CloudFront's default certificate
   */
  readonly webDomain?: SiteDomain;
  /**
   * The merchants' catalogs' custom domain: its names and their us-east-1 certificate.
   *
   * @default - the catalogs' `*.cloudfront.net` name with CloudFront's default certificate
   */
  readonly catalogDomain?: SiteDomain;
}

/** One deployment of the rewards platform: the transactions stream and archive, the API, monitoring. */
export class RewardsStage extends Stage {
  public readonly analytics: RewardsAnalyticsStack;
  public readonly api: RewardsApiStack;
  /** The merchants' catalogs (static content on SecureSite). */
  public readonly catalogs: RewardsCatalogSiteStack;
  /** The users domain's service, database and network, when `usersCertificateArn` is given. */
  public readonly users?: RewardsUsersStack;
  /** The web apps (civilians, officers, merchants, admins) on SecureSite, with the API and catalogs on its origin. */
  public readonly web: RewardsWebStack;
  /** Alarms, the alarm topic and the dashboard of the stage's constructs. */
  public readonly monitoring: ServiceMonitoring;

  constructor(scope: Construct, id: string, props: RewardsStageProps = {}) {
    super(scope, id, props);
    if (props.usersCertificateArn !== undefined && !/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/.test(props.usersCertificateArn)) {
      throw new Error(`usersCertificateArn: ${JSON.stringify(props.usersCertificateArn)}; allowed: the ARN of an ACM certificate (arn:aws:acm:<region>:<account>:certificate/<id>)`);
    }
    this.analytics = new RewardsAnalyticsStack(this, 'RewardsAnalytics', { description: 'Rewards: transactions and users streams and their archives (Kinesis, Firehose, S3, Glue, Athena)' });
    this.catalogs = new RewardsCatalogSiteStack(this, 'RewardsCatalogs', {
      domain: props.catalogDomain,
      description: 'Rewards: the merchants\' catalogs (SecureSite: S3, CloudFront, WAF)',
    });
    this.api = new RewardsApiStack(this, 'RewardsApi', {
      catalogSite: this.catalogs.site,
      transactionsStream: this.analytics.transactions.stream,
      usersStream: this.analytics.users.stream,
      idVerifierUrl: props.idVerifierUrl,
      catalogUrl: props.catalogUrl,
      accountConcurrency: props.accountConcurrency,
      description: 'Rewards: users pool, sign-up, catalogs, business rules, scoring API, balances and encounter codes',
    });
    if (props.usersCertificateArn !== undefined) {
      this.users = new RewardsUsersStack(this, 'RewardsUsers', {
        transactionsStream: this.analytics.transactions.stream,
        usersStream: this.analytics.users.stream,
        certificateArn: props.usersCertificateArn,
        imageRepository: props.usersImageRepository,
        imageTag: props.usersImageTag,
        description: 'Rewards: the users domain service (ECS Fargate), its PostgreSQL database and VPC',
      });
    }
    this.web = new RewardsWebStack(this, 'RewardsWeb', {
      api: this.api.api.api,
      userPool: this.api.userPool,
      catalogSite: this.catalogs.site,
      domain: props.webDomain,
      description: 'Rewards: the web apps (SecureSite: S3, CloudFront, WAF), their managed login domain and app client',
    });
    this.monitoring = new RewardsMonitoringStack(this, 'RewardsMonitoring', {
      stage: this,
      api: this.api,
      analytics: this.analytics,
      alarmEmails: props.alarmEmails,
      accountConcurrency: props.accountConcurrency,
      description: 'Rewards: alarms, alarm topic and dashboard',
    }).monitoring;
  }
}

/**
 * The pipeline's stage factory: one `RewardsStage` per delivery environment, in that environment's
 * account and region, with the users service's image the pipeline built from the same commit and
 * the environment's settings (each optional, under the keys below in its `config`).
 */
export class RewardsStageFactory implements IDeliveryStageFactory {
  /** The ACM certificate ARN of the users service's load balancer: without it the environment has no users service. */
  public static readonly USERS_CERTIFICATE_ARN = 'usersCertificateArn';
  /** The identity provider's check endpoint sign-ups call. */
  public static readonly ID_VERIFIER_URL = 'idVerifierUrl';
  /** The catalog registry's export the scheduled import reads. */
  public static readonly CATALOG_URL = 'catalogUrl';
  /** The account's Lambda concurrency quota in the environment's region. */
  public static readonly ACCOUNT_CONCURRENCY = 'accountConcurrency';
  /** The web apps' custom domain names (comma-separated, `joinDomainNames`). */
  public static readonly WEB_DOMAIN_NAMES = 'webDomainNames';
  /** The ACM certificate ARN (us-east-1) covering the web apps' domain names. */
  public static readonly WEB_CERTIFICATE_ARN = 'webCertificateArn';
  /** The merchants' catalogs' custom domain names (comma-separated, `joinDomainNames`). */
  public static readonly CATALOG_DOMAIN_NAMES = 'catalogDomainNames';
  /** The ACM certificate ARN (us-east-1) covering the catalogs' domain names. */
  public static readonly CATALOG_CERTIFICATE_ARN = 'catalogCertificateArn';

  public createStage(scope: Construct, id: string, environment: DeliveryEnvironment): RewardsStage {
    const text = (key: string): string | undefined => (environment.config[key] === undefined ? undefined : environment.stringValue(key));
    return new RewardsStage(scope, id, {
      env: environment.env,
      usersCertificateArn: text(RewardsStageFactory.USERS_CERTIFICATE_ARN),
      idVerifierUrl: text(RewardsStageFactory.ID_VERIFIER_URL),
      catalogUrl: text(RewardsStageFactory.CATALOG_URL),
      accountConcurrency: environment.config[RewardsStageFactory.ACCOUNT_CONCURRENCY] === undefined
        ? undefined : environment.numberValue(RewardsStageFactory.ACCOUNT_CONCURRENCY),
      usersImageRepository: environment.imageRepositoryArn === undefined || environment.imageRepositoryName === undefined
        ? undefined : { arn: environment.imageRepositoryArn, name: environment.imageRepositoryName },
      usersImageTag: environment.imageTag,
      webDomain: {
        domainNames: environment.config[RewardsStageFactory.WEB_DOMAIN_NAMES] === undefined
          ? undefined : splitDomainNames(environment.stringValue(RewardsStageFactory.WEB_DOMAIN_NAMES)),
        certificateArn: text(RewardsStageFactory.WEB_CERTIFICATE_ARN),
      },
      catalogDomain: {
        domainNames: environment.config[RewardsStageFactory.CATALOG_DOMAIN_NAMES] === undefined
          ? undefined : splitDomainNames(environment.stringValue(RewardsStageFactory.CATALOG_DOMAIN_NAMES)),
        certificateArn: text(RewardsStageFactory.CATALOG_CERTIFICATE_ARN),
      },
    });
  }
}
