import { CfnOutput, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { CATALOG_PREFIX } from './domain/catalog-uploads';
import { REWARDS_ENV } from './domain/settings';
import { REWARDS_SYSTEM, type RewardsTableSpec } from './system';
import { TracedApi, TracedFunction } from '../../src/api';
import { Compliance } from '../../src/compliance';
import { ConfigSecret } from '../../src/config';
import { DataTable } from '../../src/data';
import { LocationTracking } from '../../src/location';
import { WorkQueue } from '../../src/messaging';
import type { SecureSite } from '../../src/site';
import { handlerCode, tracedApiRoutes, type ExampleRoute } from '../shared/stack';

const { example: EXAMPLE, stageName: STAGE_NAME, routes: ROUTES, tables: TABLES } = REWARDS_SYSTEM;
const SERVICE = 'rewards';

export interface RewardsApiStackProps extends StackProps {
  /** The transactions stream (the archive's Kinesis stream) every applied transaction is put on. */
  readonly transactionsStream: kinesis.IStream;
  /** The users stream `user-created` events are put on. */
  readonly usersStream: kinesis.IStream;
  /** The merchants' catalogs site: the upload route presigns PUTs on its bucket, under `catalogs/`. */
  readonly catalogSite: SecureSite;
  /**
   * The identity provider's check endpoint (HTTPS) sign-ups send the identity evidence to
   * (domain/identity.ts `httpsVerifier` has the contract).
   *
   * @default - none: sign-ups answer 503 until one is configured (nobody is signed up unchecked)
   */
  readonly idVerifierUrl?: string;
  /**
   * The catalog registry's export (HTTPS, JSON `{ entries }`) the scheduled import reads.
   *
   * @default - none: the import runs and imports nothing (charities and families cannot sign up)
   */
  readonly catalogUrl?: string;
  /**
   * The account's Lambda concurrency quota in this region.
   *
   * @default 1000
   */
  readonly accountConcurrency?: number;
}

/**
 * The rewards scoring backend: the users pool (a group per kind of user, and admins; MFA
 * required), the accounts, transactions, rules and encounter codes tables, the encounter code
 * signing key, the traced REST API, and the forwarder that puts each applied transaction (the
 * transactions table's stream) on the transactions stream.
 */
export class RewardsApiStack extends Stack {
  public readonly userPool: cognito.UserPool;
  /** The app client users sign in with. */
  public readonly appClient: cognito.UserPoolClient;
  /** The tables by their name in the system declaration. */
  public readonly tables: { readonly [name in keyof typeof TABLES]: DataTable };
  /** The key encounter codes are signed with (HMAC): readable by the two routes that sign and check them. */
  public readonly codeKey: ConfigSecret;
  public readonly api: TracedApi;
  /** The transactions table's stream → the transactions stream. */
  public readonly forwarder: TracedFunction;
  /** Where stream batches the forwarders failed on every retry, and catalog imports EventBridge could not deliver, go (with its own dead-letter queue). */
  public readonly workerFailures: WorkQueue;
  /** The accounts table's stream (new accounts) → the users stream. */
  public readonly usersForwarder: TracedFunction;
  /** The scheduled import of the catalogs. */
  public readonly catalogImport: TracedFunction;
  /** The tracker's position events → positions kept, proximity notifications left. */
  public readonly locationEvents: TracedFunction;
  /** The Location Service tracker positions are sent to; its position events go to `locationEvents`. */
  public readonly tracking: LocationTracking;

  constructor(scope: Construct, id: string, props: RewardsApiStackProps) {
    super(scope, id, props);
    const accountConcurrency = props.accountConcurrency ?? 1000;

    this.userPool = this.createUserPool();
    this.appClient = this.userPool.addClient('App', {
      authFlows: { userSrp: true, user: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
    });

    const key = (name: string) => ({ name, type: dynamodb.AttributeType.STRING });
    const table = (name: string, spec: RewardsTableSpec) => new DataTable(this, name, {
      partitionKey: key(spec.partitionKey),
      sortKey: spec.sortKey === undefined ? undefined : key(spec.sortKey),
      globalSecondaryIndexes: spec.globalSecondaryIndexes?.map((i) => ({
        indexName: i.indexName,
        partitionKey: key(i.partitionKey),
        sortKey: i.sortKey === undefined ? undefined : key(i.sortKey),
      })),
      stream: spec.stream === undefined ? undefined : dynamodb.StreamViewType[spec.stream],
      timeToLiveAttribute: spec.timeToLiveAttribute,
    });
    this.tables = {
      accounts: table('Accounts', TABLES.accounts),
      transactions: table('Transactions', TABLES.transactions),
      rules: table('Rules', TABLES.rules),
      codes: table('Codes', TABLES.codes),
      catalog: table('Catalog', TABLES.catalog),
      locations: table('Locations', TABLES.locations),
      sharing: table('Sharing', TABLES.sharing),
      notifications: table('Notifications', TABLES.notifications),
    };
    this.codeKey = new ConfigSecret(this, 'CodeKey', {
      envName: REWARDS_SYSTEM.codeKeyEnv,
      description: 'Rewards encounter code signing key (HMAC-SHA-256)',
      generatedLength: 64,
      noRotationReason: `Encounter codes live ${REWARDS_SYSTEM.codeMinutes} minutes and are checked only by this API: replacing the key (put a new random value) is the rotation, refusing at most the codes shown in the last ${REWARDS_SYSTEM.codeMinutes} minutes, whose civilians ask for a new one. A scheduled rotation function would add a moving part for no stored data to protect.`,
    });

    this.locationEvents = new TracedFunction(this, 'LocationEvents', {
      code: handlerCode(EXAMPLE, REWARDS_SYSTEM.workers.locationEvents.handlerName),
      handler: 'index.handler',
      serviceName: SERVICE,
      description: 'The tracker\'s position events: keeps positions an hour, notifies civilians within 3 m of a sharing officer',
      memorySize: 512,
      timeout: Duration.seconds(30),
      accountConcurrency,
      environment: {
        [TABLES.locations.envName]: this.tables.locations.tableName,
        [TABLES.sharing.envName]: this.tables.sharing.tableName,
        [TABLES.notifications.envName]: this.tables.notifications.tableName,
      },
      synchronousInvocationReason: 'Invoked asynchronously by the tracker\'s EventBridge rule with one device position each: a failed event is retried twice by Lambda and then dropped, on purpose: the device sends its next position a second later, and a position a minute old notifies nobody, so a re-driven event could restore nothing.',
    });
    // The tracker's position events (to the default bus) go to the worker; a position over five
    // minutes old notifies nobody, so EventBridge stops trying by then.
    this.tracking = new LocationTracking(this, 'Tracking', {
      consumer: this.locationEvents.function,
      maxEventAge: Duration.minutes(5),
      description: 'Rewards: positions of civilians and of officers while they share',
    });

    const names = Object.keys(TABLES) as (keyof typeof TABLES)[];
    const tableEnv = Object.fromEntries(names.map((name) => [TABLES[name].envName, this.tables[name].tableName]));
    const codeRoutes: ExampleRoute[] = [ROUTES.transact, ROUTES.encounterCode];
    const signUpEnv: Record<string, string> = {
      [REWARDS_ENV.USER_POOL_ID]: this.userPool.userPoolId,
      ...(props.idVerifierUrl ? { [REWARDS_ENV.ID_VERIFIER_URL]: props.idVerifierUrl } : {}),
    };
    this.api = new TracedApi(this, 'Api', {
      serviceName: SERVICE,
      stageName: STAGE_NAME,
      userPool: this.userPool,
      accountConcurrency,
      throttle: { rateLimit: 500, burstLimit: 1000 },
      routes: tracedApiRoutes(EXAMPLE, REWARDS_SYSTEM.routeList.map((r) => ({
        ...r,
        config: codeRoutes.includes(r) ? [this.codeKey] : undefined,
        functionOptions: r === ROUTES.signUp ? { environment: signUpEnv }
          : r === ROUTES.catalogUpload ? { environment: { [REWARDS_ENV.CATALOG_BUCKET]: props.catalogSite.bucket.bucketName } }
            : r === ROUTES.trackLocation ? { environment: { [REWARDS_ENV.TRACKER_NAME]: this.tracking.trackerName } } : undefined,
      })), {
        memorySize: 1024,
        environment: { ...tableEnv, ...REWARDS_SYSTEM.environment },
      }),
    });
    const fn = (route: ExampleRoute) => this.api.functionFor(route.method, route.path);
    const { accounts, transactions, rules, codes, catalog } = this.tables;
    rules.grantReadItems(fn(ROUTES.readRules));
    rules.grantReadItems(fn(ROUTES.readRulesVersion));
    rules.grantTransactions(fn(ROUTES.editRules));
    rules.grantReadItems(fn(ROUTES.transact));
    for (const t of [accounts, transactions, codes]) t.grantTransactions(fn(ROUTES.transact));
    accounts.grantReadItems(fn(ROUTES.balance));
    accounts.grantWriteItems(fn(ROUTES.signUp));
    catalog.grantReadItems(fn(ROUTES.signUp));
    this.grantCatalogUploads(fn(ROUTES.catalogUpload), props.catalogSite);
    this.userPool.grant(fn(ROUTES.signUp), 'cognito-idp:AdminCreateUser', 'cognito-idp:AdminGetUser', 'cognito-idp:AdminAddUserToGroup');
    const { locations, sharing, notifications } = this.tables;
    locations.grantWriteItems(fn(ROUTES.trackLocation));
    sharing.grantReadItems(fn(ROUTES.trackLocation));
    sharing.grantWriteItems(fn(ROUTES.shareLocation));
    locations.grantWriteItems(fn(ROUTES.shareLocation));
    sharing.grantReadItems(fn(ROUTES.readSharing));
    notifications.grantReadItems(fn(ROUTES.readNotifications));
    this.tracking.grantUpdatePositions(fn(ROUTES.trackLocation));
    locations.grantReadWriteItems(this.locationEvents.function);
    sharing.grantReadItems(this.locationEvents.function);
    notifications.grantWriteItems(this.locationEvents.function);

    const failuresSpec = REWARDS_SYSTEM.queues.workerFailures;
    this.workerFailures = new WorkQueue(this, 'WorkerFailures', {
      maxReceiveCount: failuresSpec.maxReceiveCount,
      retentionPeriod: Duration.days(failuresSpec.retentionDays),
    });
    this.forwarder = this.streamForwarder('TransactionsForwarder', REWARDS_SYSTEM.workers.transactionsForwarder.handlerName, transactions, REWARDS_SYSTEM.streams.transactions.envName, props.transactionsStream, {
      description: 'Transactions table stream: puts each applied transaction on the transactions stream',
      accountConcurrency,
    });
    this.usersForwarder = this.streamForwarder('UsersForwarder', REWARDS_SYSTEM.workers.usersForwarder.handlerName, accounts, REWARDS_SYSTEM.streams.users.envName, props.usersStream, {
      description: 'Accounts table stream: puts each new account on the users stream as user-created',
      accountConcurrency,
    });
    for (const forwarder of [this.forwarder, this.usersForwarder]) {
      for (const action of ['kms:ReEncrypt*', 'kms:GenerateDataKey*']) {
        Compliance.acknowledge(forwarder.grantsPolicy!, `AwsSolutions-IAM5[Action::${action}]`,
          'CDK\'s standard KMS grant for writing to a KMS-encrypted Kinesis stream and sending failed stream batches to the KMS-encrypted failures queue: kms:GenerateDataKey* (GenerateDataKey, GenerateDataKeyWithoutPlaintext) and kms:ReEncrypt* (ReEncryptFrom, ReEncryptTo) on those keys only, which the services call on the function\'s behalf.');
      }
    }

    this.catalogImport = new TracedFunction(this, 'CatalogImport', {
      code: handlerCode(EXAMPLE, REWARDS_SYSTEM.workers.catalogImport.handlerName),
      handler: 'index.handler',
      serviceName: SERVICE,
      description: 'Imports the charities\' and families\' catalogs from the registry',
      memorySize: 512,
      timeout: Duration.minutes(5),
      accountConcurrency,
      environment: { [TABLES.catalog.envName]: catalog.tableName, ...(props.catalogUrl ? { [REWARDS_ENV.CATALOG_URL]: props.catalogUrl } : {}) },
      synchronousInvocationReason: 'Invoked by an EventBridge schedule, whose next run imports the whole catalog again: a failed run is repaired by the next one, and its failure is alarmed on.',
    });
    catalog.grantWriteItems(this.catalogImport.function);
    new events.Rule(this, 'CatalogImportSchedule', {
      description: `Imports the charities' and families' catalogs every ${REWARDS_SYSTEM.catalogImportHours} hours`,
      schedule: events.Schedule.rate(Duration.hours(REWARDS_SYSTEM.catalogImportHours)),
      targets: [new targets.LambdaFunction(this.catalogImport.function, { retryAttempts: 2, deadLetterQueue: this.workerFailures.queue })],
    });
    // EventBridge writes an undelivered import to the KMS-encrypted failures queue with this key.
    this.workerFailures.encryptionKey.grant(new iam.ServicePrincipal('events.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey');

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'The rewards API (stage URL)' });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId, description: 'The users pool: one group per kind of user, and admin' });
    new CfnOutput(this, 'AppClientId', { value: this.appClient.userPoolClientId });
  }

  /**
   * The upload route signs PUTs with its own role, so the role may put objects under `catalogs/`
   * only (which merchant's prefix is the handler's check: the key is signed into the URL), and
   * encrypt them with the bucket's key.
   */
  private grantCatalogUploads(uploader: lambda.IFunction, site: SecureSite): void {
    uploader.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [site.bucket.arnForObjects(`${CATALOG_PREFIX}/*`)] }));
    uploader.addToRolePolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey'], resources: [site.encryptionKey.keyArn] }));
    // The finding names the bucket ARN as this stack imports it (the export CDK makes for the reference).
    const producer = Stack.of(site);
    const bucketArn = producer.resolve(producer.exportValue(site.bucket.bucketArn))['Fn::ImportValue'];
    const grants = uploader.role!.node.findChild('Grants');
    Compliance.acknowledge(grants, `AwsSolutions-IAM5[Resource::${bucketArn}/${CATALOG_PREFIX}/*]`,
      'The catalog files\' keys (merchant id and file name) are known only when a merchant asks to upload: the role may put objects under catalogs/ of the catalog bucket only, and the handler signs each URL for one key in the signed-in merchant\'s own prefix.');
  }

  /** A table stream's INSERTs → a Kinesis stream, failed batches to the failures queue. */
  private streamForwarder(
    id: string, handlerName: string, table: DataTable, streamEnv: string, stream: kinesis.IStream,
    options: { description: string; accountConcurrency: number },
  ): TracedFunction {
    const forwarder = new TracedFunction(this, id, {
      code: handlerCode(EXAMPLE, handlerName),
      handler: 'index.handler',
      serviceName: SERVICE,
      description: options.description,
      memorySize: 512,
      timeout: Duration.seconds(60),
      accountConcurrency: options.accountConcurrency,
      environment: { [streamEnv]: stream.streamName },
      synchronousInvocationReason: 'Invoked by the DynamoDB stream event source mapping, never asynchronously: failed records are retried, the batch split, and finally sent to the mapping\'s on-failure queue.',
    });
    table.grantStreamRead(forwarder.function);
    stream.grantWrite(forwarder.function);
    forwarder.function.addEventSource(new sources.DynamoEventSource(table.table, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: 100,
      maxBatchingWindow: Duration.seconds(1),
      bisectBatchOnError: true,
      retryAttempts: 10,
      reportBatchItemFailures: true,
      onFailure: new sources.SqsDlq(this.workerFailures.queue),
      filters: [lambda.FilterCriteria.filter({ eventName: lambda.FilterRule.isEqual('INSERT') })],
    }));
    return forwarder;
  }

  /**
   * The users: created by the onboarding API once their identity is checked (no self sign-up),
   * TOTP MFA required (points are worth money to merchants and charities), one group per kind.
   */
  private createUserPool(): cognito.UserPool {
    const pool = new cognito.UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const group of [...REWARDS_SYSTEM.userKinds, REWARDS_SYSTEM.adminGroup]) {
      new cognito.CfnUserPoolGroup(this, `Group-${group}`, { userPoolId: pool.userPoolId, groupName: group, description: REWARDS_SYSTEM.groupDescriptions[group] });
    }
    return pool;
  }
}
