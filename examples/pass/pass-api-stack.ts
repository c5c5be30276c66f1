import { createHash } from 'crypto';
import { CfnOutput, Duration, RemovalPolicy, Stack, StackProps, Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { REGION_ENV } from './domain/regions';
import { DEFAULT_RULES, GROUPS, PASS_ENV, REVIEW_INDEX } from './domain/settings';
import { PassReplicaTable, type PassTable } from './pass-replica-table';
import { THROTTLES } from './routes';
import { PASS_SYSTEM } from './system';
import { TracedApi, TracedFunction } from '../../src/api';
import { Compliance, RuleFamily } from '../../src/compliance';
import { ConfigParameter, ConfigParameterType, ConfigSecret } from '../../src/config';
import { DataTable } from '../../src/data';
import { WorkQueue } from '../../src/messaging';
import { ExampleRoute, handlerCode, tracedApiRoutes } from '../shared/stack';

const { example: EXAMPLE, stageName: STAGE_NAME, routes: ROUTES, workers: WORKER_HANDLERS } = PASS_SYSTEM;

export interface PassApiStackProps extends StackProps {
  /**
   * Regions holding a replica of the pass table (a global table; the stack needs an explicit
   * region). The first step of the two-region service (docs/active-active.md): every replica keeps
   * point-in-time recovery and deletion protection.
   *
   * @default - no replicas: one region
   */
  readonly replicaRegions?: string[];
  /**
   * Every region of the two-region service, the registry first (`PASS_REGIONS` of every function,
   * see domain/regions.ts); this stack's region among them.
   *
   * @default - none: the single-region service
   */
  readonly serviceRegions?: string[];
  /**
   * The pass table's physical name: a global table's replicas share it, so the other regions'
   * stacks find their replica by it.
   *
   * @default - a name CloudFormation generates
   */
  readonly tableName?: string;
  /**
   * The name of the global table whose replica in this region the backend uses, instead of a table
   * of its own (the primary region's stack creates the table and its replicas).
   *
   * @default - none: this stack creates the table
   */
  readonly replicaOfTable?: string;
  /** The archive's Kinesis stream the table's stream consumer writes pass events to. */
  readonly eventStream: kinesis.IStream;
  /**
   * The approval rules (JSON; see domain/rules.ts).
   *
   * @default DEFAULT_RULES
   */
  readonly rules?: Record<string, unknown>;
  /**
   * The account's Lambda concurrency quota in this region (raise it before launch; see docs/capacity.md).
   *
   * @default 1000
   */
  readonly accountConcurrency?: number;
  /**
   * Most rules-worker functions polling the queue at once (bounds the write rate on the table).
   *
   * @default 50
   */
  readonly workerMaxConcurrency?: number;
  /**
   * The prefix of the managed login domain `<prefix>.auth.<region>.amazoncognito.com` (unique in
   * the region across all accounts; lowercase letters, digits and hyphens).
   *
   * @default - `movement-pass-<8 hex digits of this stack's path>-<account id>`: unique per account and stage, the same on every synth
   */
  readonly loginDomainPrefix?: string;
  /**
   * A domain of your own for the managed login pages (e.g. `login.pass.example.gov`), instead of
   * the prefix domain. Needs `loginCertificateArn`, and a DNS alias to the CloudFront distribution
   * Cognito creates for it (output `LoginDomainCloudFront`).
   *
   * @default - the prefix domain
   */
  readonly loginDomainName?: string;
  /**
   * The ACM certificate (in us-east-1) for `loginDomainName`.
   *
   * @default - none; required with `loginDomainName`
   */
  readonly loginCertificateArn?: string;
  /**
   * The identity provider's check endpoint (HTTPS) that `POST /registrations` sends identity
   * evidence to (see domain/identity.ts for the contract).
   *
   * @default - none: registrations answer 503 until one is configured (nobody is registered unchecked)
   */
  readonly identityVerifierUrl?: string;
}

/** The route functions that sign passes: the only ones that may read the signing key. */
const SIGNERS: ExampleRoute[] = [ROUTES.decide];
/** The route functions that check passes or publish the keys, from the public keys alone. */
const PUBLIC_KEY_READERS: ExampleRoute[] = [ROUTES.verify, ROUTES.keys];

/** Cognito domain prefixes: lowercase letters, digits and hyphens, no leading or trailing hyphen, 1–63 characters. */
const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Words Cognito refuses in a domain prefix. */
const RESERVED_PREFIX_WORDS = ['aws', 'amazon', 'cognito'];

/**
 * The movement pass backend: a Cognito user pool (self sign-up; groups reviewer, police, admin),
 * the pass table (one table, keys spread for scale, a stream), the approval queue with its
 * dead-letter queue, the rules worker, the stream consumer feeding counters and the archive, the
 * rules (SSM), the signing key (Secrets Manager, signers only) and its public keys (SSM), and the
 * traced REST API with per-route throttles.
 */
export class PassApiStack extends Stack {
  public readonly userPool: cognito.UserPool;
  /** The managed login domain (sign-in, sign-up, token and logout endpoints). */
  public readonly loginDomain: cognito.UserPoolDomain;
  /** The host name of the managed login domain, e.g. `movement-pass-1a2b3c4d-123456789012.auth.eu-west-2.amazoncognito.com`. */
  public readonly loginDomainHost: string;
  /** The pass table: a `DataTable`, or the replica of the primary's in this region (`replicaOfTable`). */
  public readonly table: PassTable;
  /** The regions holding a replica of the pass table (none for one region). */
  public readonly replicaRegions: string[];
  /** The approval queue and its dead-letter queue. */
  public readonly approvals: WorkQueue;
  /** The approval queue (`approvals.queue`). */
  public readonly queue: sqs.Queue;
  /** Where approval messages end after the spec's receive count (`approvals.deadLetterQueue`). */
  public readonly deadLetterQueue: sqs.Queue;
  public readonly api: TracedApi;
  public readonly rulesWorker: TracedFunction;
  public readonly streamConsumer: TracedFunction;
  /** The pool's pre-token-generation trigger: staff groups go into a token only for users with TOTP MFA. */
  public readonly staffToken: TracedFunction;
  /** Queues new pending passes (the table's stream) and re-queues stale ones (a schedule). */
  public readonly approvalOutbox: TracedFunction;
  public readonly rules: ConfigParameter;
  /** The pass signing key (or key set): readable by the signers only. */
  public readonly signingKey: ConfigSecret;
  /** The public keys (a JSON parameter holding no secret): readable by everyone, written by the signers. */
  public readonly publicKeys: ConfigParameter;

  constructor(scope: Construct, id: string, props: PassApiStackProps) {
    super(scope, id, props);
    const accountConcurrency = props.accountConcurrency ?? 1000;
    const workerMaxConcurrency = props.workerMaxConcurrency ?? 50;
    const rules = props.rules ?? DEFAULT_RULES;
    const loginDomainPrefix = props.loginDomainPrefix
      ?? `movement-pass-${createHash('sha256').update(this.node.path).digest('hex').slice(0, 8)}-${this.account}`;
    validateLoginDomain(props.loginDomainPrefix, props.loginDomainName, props.loginCertificateArn);

    this.userPool = this.createUserPool();
    this.staffToken = this.requireStaffMfa(accountConcurrency);
    // The web app's client lives in the site stack, which knows the site's URL (its callback URLs);
    // the domain lives here with the pool, so neither stack needs the other's outputs twice over.
    this.loginDomain = this.userPool.addDomain('Login', {
      ...(props.loginDomainName
        ? { customDomain: { domainName: props.loginDomainName, certificate: acm.Certificate.fromCertificateArn(this, 'LoginCertificate', props.loginCertificateArn!) } }
        : { cognitoDomain: { domainPrefix: loginDomainPrefix } }),
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    this.loginDomainHost = props.loginDomainName ?? `${this.loginDomain.domainName}.auth.${this.region}.amazoncognito.com`;

    this.replicaRegions = props.replicaRegions ?? [];
    const serviceRegions = props.serviceRegions ?? [];
    validateRegions(this.region, this.replicaRegions, serviceRegions, props.tableName, props.replicaOfTable);
    const tableSpec = PASS_SYSTEM.table;
    this.table = props.replicaOfTable !== undefined
      ? new PassReplicaTable(this, 'PassesReplica', { tableName: props.replicaOfTable, indexNames: (tableSpec.globalSecondaryIndexes ?? []).map((i) => i.indexName) })
      : new DataTable(this, 'Passes', {
        tableName: props.tableName,
        partitionKey: stringKey(tableSpec.partitionKey),
        sortKey: tableSpec.sortKey === undefined ? undefined : stringKey(tableSpec.sortKey),
        stream: tableSpec.stream === undefined ? undefined : dynamodb.StreamViewType[tableSpec.stream],
        timeToLiveAttribute: tableSpec.timeToLiveAttribute,
        contributorInsights: true,
        replicaRegions: props.replicaRegions,
        globalSecondaryIndexes: tableSpec.globalSecondaryIndexes?.map((index) => ({
          indexName: index.indexName,
          partitionKey: stringKey(index.partitionKey),
          sortKey: index.sortKey === undefined ? undefined : stringKey(index.sortKey),
        })),
      });
    const queueKey = new kms.Key(this, 'QueueKey', {
      enableKeyRotation: true,
      description: `Encrypts the approval queues of ${this.node.path}`,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Grants only to AWS services (SQS, Lambda's event source), as Control Tower CT.KMS.PR.3 asks.
    queueKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'DenyGrantsExceptForAwsServices',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    }));
    // Applications wait here when the worker is busy (see PASS_SYSTEM.queues.approvals). One key for
    // the stack's queues: the approval queue, its dead-letter queue and the stream failures queue.
    const approvalsSpec = PASS_SYSTEM.queues.approvals;
    this.approvals = new WorkQueue(this, 'Approvals', {
      encryptionKey: queueKey,
      maxReceiveCount: approvalsSpec.maxReceiveCount,
      visibilityTimeout: Duration.seconds(approvalsSpec.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(approvalsSpec.retentionDays),
    });
    this.queue = this.approvals.queue;
    this.deadLetterQueue = this.approvals.deadLetterQueue;

    this.rules = new ConfigParameter(this, 'Rules', {
      envName: PASS_ENV.RULES_PARAM,
      valueType: ConfigParameterType.JSON,
      value: JSON.stringify(rules),
      description: 'Movement pass approval rules (JSON): auto-approve/reject reasons, duration limits, daily district quotas',
    });
    this.signingKey = new ConfigSecret(this, 'SigningKey', {
      envName: PASS_ENV.SIGNING_KEY_SECRET,
      description: 'Movement pass ES256 signing key: a private EC P-256 JWK, or a random value the key is derived from',
      generatedLength: 64,
      noRotationReason: 'The pass signing key set: every pass issued is signed with its newest key and checked offline against the published public keys. Rotating it is a planned operation by key id (add a key to the set; the signers publish it and sign with it only after every cache of the public keys has seen it; retire the old key after the longest pass expires; see examples/pass/README.md), not a schedule.',
    });
    // The public half, with no secret in it: what GET /keys and POST /verify read. The signers
    // (and only they) write it when the secret's keys change; the stack never changes it again.
    this.publicKeys = new ConfigParameter(this, 'PublicKeys', {
      envName: PASS_ENV.PUBLIC_KEYS_PARAM,
      valueType: ConfigParameterType.JSON,
      value: JSON.stringify({ keys: [], published: {} }), // nothing published yet (key-set.ts NOTHING_PUBLISHED)
      description: 'Movement pass public signing keys (JWKs by kid, with when each was published); written by the signers',
    });

    const tableEnv = { [PASS_ENV.TABLE]: this.table.tableName };
    this.api = new TracedApi(this, 'Api', {
      serviceName: 'movement-pass',
      stageName: STAGE_NAME,
      userPool: this.userPool,
      throttle: THROTTLES.stage,
      accountConcurrency,
      routes: tracedApiRoutes(EXAMPLE, PASS_SYSTEM.routeList.map((r) => {
        const extra: Record<string, string> = r === ROUTES.register && props.identityVerifierUrl
          ? { [PASS_ENV.IDENTITY_VERIFIER_URL]: props.identityVerifierUrl }
          : {};
        // Only a signer may read the signing key; the public routes read the public keys only. A
        // reviewer's approval also applies the rules' per-person daily cap.
        const signerConfig = r === ROUTES.decide ? [this.signingKey, this.publicKeys, this.rules] : [this.signingKey, this.publicKeys];
        const config = SIGNERS.includes(r) ? signerConfig
          : PUBLIC_KEY_READERS.includes(r) ? [this.publicKeys] : undefined;
        const environment = { ...r.functionOptions?.environment, ...extra };
        return { ...r, config, functionOptions: { ...r.functionOptions, environment } };
      }), { memorySize: 1024, environment: tableEnv }),
    });
    // Throttled callers are told when to come back; nothing was stored.
    for (const [responseId, type] of [['Throttled', apigateway.ResponseType.THROTTLED], ['QuotaExceeded', apigateway.ResponseType.QUOTA_EXCEEDED]] as const) {
      this.api.api.addGatewayResponse(responseId, {
        type,
        statusCode: '429',
        responseHeaders: { 'Retry-After': "'1'" },
        templates: { 'application/json': '{"message":"Too many requests: try again in a second; nothing was stored","requestId":"$context.requestId"}' },
      });
    }

    const fn = (route: ExampleRoute) => this.api.functionFor(route.method, route.path);
    this.table.grantTransactions(fn(ROUTES.register));
    this.table.grantReadItems(fn(ROUTES.readRegistration));
    this.table.grantReadWriteItems(fn(ROUTES.consent));
    this.table.grantReadWriteItems(fn(ROUTES.apply));
    this.table.grantReadItems(fn(ROUTES.listOwn));
    this.table.grantReadItems(fn(ROUTES.readOwn));
    this.table.grantReadItems(fn(ROUTES.reviewQueue));
    this.table.grantTransactions(fn(ROUTES.decide));
    this.table.grantReadWriteItems(fn(ROUTES.revoke));
    this.table.grantReadWriteItems(fn(ROUTES.verify));
    this.table.grantReadItems(fn(ROUTES.stats));
    this.table.grantReadItems(fn(ROUTES.health));

    const consumer = approvalsSpec.consumer;
    this.rulesWorker = new TracedFunction(this, 'RulesWorker', {
      code: handlerCode(EXAMPLE, consumer.handlerName),
      handler: 'index.handler',
      serviceName: 'movement-pass',
      description: 'Decides queued pass applications by the approval rules',
      memorySize: 1024,
      timeout: Duration.seconds(consumer.timeoutSeconds),
      accountConcurrency,
      environment: tableEnv,
      synchronousInvocationReason: `Invoked by the SQS event source mapping, never asynchronously: a failed message returns to the approval queue and, after ${approvalsSpec.maxReceiveCount} receives, moves to its dead-letter queue.`,
      concurrencyReason: `the approval queue's event source runs at most ${workerMaxConcurrency} instances at once (its maximum concurrency); messages beyond that wait in the queue.`,
    });
    this.rules.bind(this.rulesWorker.function);
    this.signingKey.bind(this.rulesWorker.function);
    this.publicKeys.bind(this.rulesWorker.function);
    for (const signer of [this.rulesWorker.function, fn(ROUTES.decide)]) {
      this.publicKeys.parameter.grantWrite(signer);
    }
    this.table.grantTransactions(this.rulesWorker.function);
    this.approvals.addConsumer(this.rulesWorker.function, {
      batchSize: consumer.batchSize,
      maxBatchingWindow: Duration.seconds(consumer.maxBatchingWindowSeconds),
      maxConcurrency: workerMaxConcurrency,
    });

    const streamDlq = new sqs.Queue(this, 'StreamFailures', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: queueKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeDeadLetterQueue(streamDlq,
      'This queue is the on-failure destination of the stream consumer (records of batches that failed every retry): a dead-letter queue of its own would only move them further from the people who inspect them.');
    this.streamConsumer = new TracedFunction(this, 'StreamConsumer', {
      code: handlerCode(EXAMPLE, WORKER_HANDLERS.streamConsumer),
      handler: 'index.handler',
      serviceName: 'movement-pass',
      description: 'Pass table stream: daily counters and the event archive',
      memorySize: 512,
      timeout: Duration.seconds(60),
      accountConcurrency,
      environment: { ...tableEnv, [PASS_ENV.EVENTS_STREAM]: props.eventStream.streamName },
      synchronousInvocationReason: 'Invoked by the DynamoDB stream event source mapping, never asynchronously: failed batches are retried, split, and finally sent to the mapping\'s on-failure queue.',
      concurrencyReason: 'the table stream\'s event source runs at most 4 batches per shard at once (parallelization factor 4), so the stream\'s shards bound it.',
    });
    this.table.grantStreamRead(this.streamConsumer.function);
    this.table.grantTransactions(this.streamConsumer.function);
    props.eventStream.grantWrite(this.streamConsumer.function);
    this.streamConsumer.function.addEventSource(new sources.DynamoEventSource(this.table.table, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: 100,
      maxBatchingWindow: Duration.seconds(2),
      bisectBatchOnError: true,
      retryAttempts: 10,
      reportBatchItemFailures: true,
      parallelizationFactor: 4,
      onFailure: new sources.SqsDlq(streamDlq),
    }));

    // The approval queue's outbox: an application is one write of a pending pass; the stream brings
    // each new one here to be queued, and a schedule re-queues any still pending after five minutes.
    this.approvalOutbox = new TracedFunction(this, 'ApprovalOutbox', {
      code: handlerCode(EXAMPLE, WORKER_HANDLERS.approvalOutbox),
      handler: 'index.handler',
      serviceName: 'movement-pass',
      description: 'Queues new pending passes from the table stream; re-queues stale pending passes on a schedule',
      memorySize: 512,
      timeout: Duration.seconds(60),
      accountConcurrency,
      environment: { ...tableEnv, [approvalsSpec.envName]: this.approvals.queueUrl },
      synchronousInvocationReason: 'Invoked by the DynamoDB stream event source mapping (failed batches are retried, then sent to its on-failure queue) and by an EventBridge schedule, whose next run sweeps whatever one run missed.',
      concurrencyReason: 'the table stream\'s event source runs one batch per shard at a time, and the schedule one run every five minutes.',
    });
    this.table.grantStreamRead(this.approvalOutbox.function);
    this.table.grantQueryIndex(this.approvalOutbox.function, REVIEW_INDEX);
    this.approvals.grantSendMessages(this.approvalOutbox.function);
    this.approvalOutbox.function.addEventSource(new sources.DynamoEventSource(this.table.table, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: 100,
      maxBatchingWindow: Duration.seconds(1),
      bisectBatchOnError: true,
      retryAttempts: 10,
      reportBatchItemFailures: true,
      onFailure: new sources.SqsDlq(streamDlq),
      filters: [lambda.FilterCriteria.filter({
        eventName: lambda.FilterRule.isEqual('INSERT'),
        dynamodb: { NewImage: { sk: { S: lambda.FilterRule.isEqual('PASS') }, status: { S: lambda.FilterRule.isEqual('pending') } } },
      })],
    }));
    // A sweep EventBridge could not deliver goes to the stream failures queue (its KMS key lets
    // EventBridge write there); the next sweep, five minutes later, covers the same passes anyway.
    new events.Rule(this, 'SweepStalePending', {
      description: 'Re-queues passes still pending after five minutes',
      schedule: events.Schedule.rate(Duration.minutes(5)),
      targets: [new targets.LambdaFunction(this.approvalOutbox.function, { retryAttempts: 2, deadLetterQueue: streamDlq })],
    });
    queueKey.grant(new iam.ServicePrincipal('events.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey');

    // The approval queue's send grant (WorkQueue) names its KMS actions; the stream mappings'
    // on-failure destination and the archive's stream are granted by CDK's standard KMS grants.
    const kmsReason = (what: string) => `CDK's standard KMS grant for ${what}: kms:GenerateDataKey* (GenerateDataKey, GenerateDataKeyWithoutPlaintext) and kms:ReEncrypt* (ReEncryptFrom, ReEncryptTo) on those keys only, which the service calls on the function's behalf.`;
    for (const [policy, what] of [
      [this.approvalOutbox.grantsPolicy, 'sending failed stream batches to the KMS-encrypted stream failures queue (its stream mapping\'s on-failure destination)'],
      [this.streamConsumer.grantsPolicy, 'writing to the archive\'s KMS-encrypted Kinesis stream and sending failed stream batches to the KMS-encrypted stream failures queue'],
    ] as const) {
      for (const action of ['kms:ReEncrypt*', 'kms:GenerateDataKey*']) Compliance.acknowledge(policy!, `AwsSolutions-IAM5[Action::${action}]`, kmsReason(what));
    }

    // The two-region service: every function knows the regions (and, from Lambda's AWS_REGION, its own).
    if (serviceRegions.length > 0) {
      const functions = [
        ...Object.values(this.api.tracedFunctions).map((t) => t.function),
        this.rulesWorker.function, this.streamConsumer.function, this.staffToken.function, this.approvalOutbox.function,
        ...(this.api.groupAuthorizerFunction ? [this.api.groupAuthorizerFunction.function] : []),
      ];
      for (const f of functions) f.addEnvironment(REGION_ENV.REGIONS, serviceRegions.join(','));
    }

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'The pass API (stage URL)' });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'SigningKeySecretArn', {
      value: this.signingKey.secret.secretArn,
      description: 'The pass signing key (put a private EC P-256 JWK here before the first pass is issued, or keep the generated value)',
    });
    new CfnOutput(this, 'LoginDomain', { value: this.loginDomainHost, description: 'The managed login domain' });
    if (props.loginDomainName) {
      new CfnOutput(this, 'LoginDomainCloudFront', {
        value: (this.loginDomain.node.defaultChild as cognito.CfnUserPoolDomain).attrCloudFrontDistribution,
        description: `Point ${props.loginDomainName} at this (DNS alias / CNAME)`,
      });
    }
  }

  private createUserPool(): cognito.UserPool {
    const pool = new cognito.UserPool(this, 'Citizens', {
      selfSignUpEnabled: true,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true }, fullname: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: 12,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const [group, description, precedence] of [
      [GROUPS.ADMIN, 'Reads statistics; revokes passes', 0],
      [GROUPS.REVIEWER, 'Decides passes waiting for review; revokes passes', 1],
      [GROUPS.POLICE, 'Checks passes at the roadside', 2],
    ] as const) {
      new cognito.CfnUserPoolGroup(this, `Group${group}`, { userPoolId: pool.userPoolId, groupName: group, description, precedence });
    }
    Compliance.acknowledge(pool.node.defaultChild!, 'AwsSolutions-COG2',
      'Citizens sign up themselves in their millions: MFA (TOTP) is offered, not required, so nobody without an authenticator app is locked out of a movement pass. Staff need it: the pre-token-generation trigger puts the staff groups (reviewer, police, admin) into a token only for a user with TOTP enabled, whom Cognito then asks for it at every sign-in, so staff routes refuse staff without MFA; threat protection (adaptive authentication, compromised credentials) is enforced for everyone.');
    return pool;
  }

  /**
   * MFA for staff, enforced by the identity setup: a pre-token-generation trigger that drops the
   * staff groups from the tokens of a user without TOTP MFA (domain/staff-mfa.ts).
   */
  private requireStaffMfa(accountConcurrency: number): TracedFunction {
    const fn = new TracedFunction(this, 'StaffToken', {
      code: handlerCode(EXAMPLE, WORKER_HANDLERS.staffToken),
      handler: 'index.handler',
      serviceName: 'movement-pass',
      description: 'Pre token generation: staff groups only for users with TOTP MFA',
      memorySize: 256,
      timeout: Duration.seconds(5),
      accountConcurrency,
      synchronousInvocationReason: 'Invoked synchronously by Cognito at every sign-in and token refresh: a failure fails that sign-in, never a lost event.',
      concurrencyReason: 'Cognito invokes it once per sign-in or token refresh, within the user pool\'s request-rate quotas for those operations.',
    });
    this.userPool.addTrigger(cognito.UserPoolOperation.PRE_TOKEN_GENERATION, fn.function);
    // Its own policy, not the role's grants: the function must exist before the pool names it, and
    // this policy names the pool (one policy both ways would be a dependency cycle).
    new iam.ManagedPolicy(this, 'StaffTokenReadsMfa', {
      description: 'The staff token trigger reads users\' MFA settings (AdminGetUser) in the pass user pool',
      roles: [fn.role!],
      statements: [new iam.PolicyStatement({ actions: ['cognito-idp:AdminGetUser'], resources: [this.userPool.userPoolArn] })],
    });
    return fn;
  }
}

/** One error listing every problem with the login domain settings (values that are tokens are not checked). */
function validateLoginDomain(prefix: string | undefined, domainName: string | undefined, certificateArn: string | undefined): void {
  const problems: string[] = [];
  if (prefix !== undefined && !Token.isUnresolved(prefix)) {
    if (!DOMAIN_PREFIX.test(prefix)) {
      problems.push(`loginDomainPrefix: ${JSON.stringify(prefix)}; allowed: 1-63 lowercase letters, digits and hyphens, not starting or ending with a hyphen`);
    }
    const reserved = RESERVED_PREFIX_WORDS.filter((w) => prefix.includes(w));
    if (reserved.length > 0) problems.push(`loginDomainPrefix: ${JSON.stringify(prefix)} contains ${reserved.join(', ')}; allowed: a prefix without the words ${RESERVED_PREFIX_WORDS.join(', ')}`);
  }
  if (prefix !== undefined && domainName !== undefined) {
    problems.push(`loginDomainPrefix: ${JSON.stringify(prefix)} with loginDomainName ${JSON.stringify(domainName)}; allowed: one of the two`);
  }
  if (domainName !== undefined && certificateArn === undefined) {
    problems.push(`loginCertificateArn: undefined with loginDomainName ${JSON.stringify(domainName)}; allowed: the ARN of an ACM certificate in us-east-1 for that name`);
  }
  if (certificateArn !== undefined && domainName === undefined) {
    problems.push(`loginCertificateArn: ${JSON.stringify(certificateArn)} without loginDomainName; allowed: only with loginDomainName`);
  }
  if (certificateArn !== undefined && !Token.isUnresolved(certificateArn) && !/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/.+$/.test(certificateArn)) {
    problems.push(`loginCertificateArn: ${JSON.stringify(certificateArn)}; allowed: an ACM certificate ARN in us-east-1 (Cognito serves custom domains through CloudFront)`);
  }
  if (problems.length > 0) throw new Error(`PassApiStack: invalid login domain settings:\n- ${problems.join('\n- ')}`);
}

/** One error listing every problem with the region settings (see domain/regions.ts). */
function validateRegions(
  region: string, replicaRegions: string[], serviceRegions: string[], tableName: string | undefined, replicaOfTable: string | undefined,
): void {
  const problems: string[] = [];
  const concrete = !Token.isUnresolved(region);
  if (serviceRegions.length > 0 && !concrete) {
    problems.push(`serviceRegions: ${JSON.stringify(serviceRegions)} in a region-agnostic stack; allowed: only with an explicit env.region`);
  } else if (serviceRegions.length > 0 && !serviceRegions.includes(region)) {
    problems.push(`serviceRegions: ${JSON.stringify(serviceRegions)}; allowed: regions that include this stack's region ${region}`);
  }
  if (new Set(serviceRegions).size !== serviceRegions.length) problems.push(`serviceRegions: ${JSON.stringify(serviceRegions)}; allowed: each region once`);
  if (replicaOfTable !== undefined && (replicaRegions.length > 0 || tableName !== undefined)) {
    problems.push(`replicaOfTable: ${JSON.stringify(replicaOfTable)} with ${replicaRegions.length > 0 ? `replicaRegions ${JSON.stringify(replicaRegions)}` : `tableName ${JSON.stringify(tableName)}`}; allowed: the replica's region uses the table the primary created, which alone names it and its replicas`);
  }
  if (replicaOfTable !== undefined && serviceRegions.length === 0) {
    problems.push(`replicaOfTable: ${JSON.stringify(replicaOfTable)} without serviceRegions; allowed: only in a region of the two-region service`);
  }
  const missing = serviceRegions.filter((r) => r !== region && !replicaRegions.includes(r));
  if (replicaOfTable === undefined && serviceRegions.length > 0 && missing.length > 0) {
    problems.push(`replicaRegions: ${JSON.stringify(replicaRegions)}; allowed: every other region of serviceRegions (missing ${missing.join(', ')})`);
  }
  if (problems.length > 0) throw new Error(`PassApiStack: invalid region settings:\n- ${problems.join('\n- ')}`);
}

/** A key attribute of the pass table (every key is a string). */
function stringKey(name: string): dynamodb.Attribute {
  return { name, type: dynamodb.AttributeType.STRING };
}

/** A queue that is itself where failures end: the redrive rules ask for a DLQ it cannot sensibly have. */
function acknowledgeDeadLetterQueue(queue: sqs.Queue, reason: string): void {
  const resource = queue.node.defaultChild!;
  Compliance.acknowledgeFamily(resource, RuleFamily.SQS_DEAD_LETTER_QUEUE, reason);
}
