import { CfnOutput, Duration, RemovalPolicy, Stack, StackProps, Token } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { DEFAULT_START } from './domain/settings';
import { COUNTER_SYSTEM } from './system';
import { TracedApi, TracedFunction } from '../../src/api';
import { DataTable, IdempotencyTable } from '../../src/data';
import { tracedApiRoutes, type ExampleRoute } from '../shared/stack';

const { example: EXAMPLE, stageName: STAGE_NAME, staffGroup: STAFF_GROUP, routes: ROUTES, tables: TABLES } = COUNTER_SYSTEM;

export interface CounterApiStackProps extends StackProps {
  /**
   * The counter's start and reset value (a whole number, at least 1).
   *
   * @default 1000
   */
  readonly startValue?: number;
}

/**
 * The counter API: `GET /counter`, `POST /decrement` (rate-limited per client), `PUT /reset` (staff
 * sign-in) on one DynamoDB item, and the staff user pool (MFA required, no self sign-up).
 */
export class CounterApiStack extends Stack {
  /** The staff: created by an administrator, TOTP MFA required; members of `staff` may reset. */
  public readonly staffPool: cognito.UserPool;
  /** The app client staff sign in with (SRP or password, then their TOTP code) to get a token. */
  public readonly staffClient: cognito.UserPoolClient;
  public readonly table: DataTable;
  /** Powertools idempotency records of retried sales (`Idempotency-Key`), given to `POST /decrement` only. */
  public readonly idempotencyTable: IdempotencyTable;
  public readonly api: TracedApi;

  constructor(scope: Construct, id: string, props: CounterApiStackProps = {}) {
    super(scope, id, props);
    const startValue = props.startValue ?? DEFAULT_START;
    if (!Token.isUnresolved(startValue) && (!Number.isInteger(startValue) || startValue < 1)) {
      throw new Error(`CounterApiStack ${this.node.path}: invalid props:\n  - startValue: ${startValue} is not allowed; use a whole number of at least 1`);
    }

    this.table = new DataTable(this, 'Counter', {
      partitionKey: { name: TABLES.counter.partitionKey, type: dynamodb.AttributeType.STRING },
    });
    // One record per sale sent with an Idempotency-Key, gone after an hour (TTL).
    this.idempotencyTable = new IdempotencyTable(this, 'Idempotency');

    this.staffPool = new cognito.UserPool(this, 'Staff', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(1),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    new cognito.CfnUserPoolGroup(this, 'StaffGroup', { userPoolId: this.staffPool.userPoolId, groupName: STAFF_GROUP, description: 'May reset the counter' });
    this.staffClient = this.staffPool.addClient('StaffSignIn', {
      authFlows: { userSrp: true, user: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
    });

    this.api = new TracedApi(this, 'Api', {
      serviceName: 'counter',
      stageName: STAGE_NAME,
      // A shop's counter: a few sales a minute. The stage throttle caps what a runaway client costs.
      throttle: { rateLimit: 50, burstLimit: 100 },
      routes: tracedApiRoutes(EXAMPLE, COUNTER_SYSTEM.routeList, {
        memorySize: 512,
        environment: {
          [TABLES.counter.envName]: this.table.tableName,
          ...COUNTER_SYSTEM.environment(startValue),
        },
      }),
      userPool: this.staffPool,
    });
    this.limitDecrementsPerClient();
    this.table.grantReadItems(this.routeFunction(ROUTES.read).function);
    this.table.grantReadWriteItems(this.routeFunction(ROUTES.sell).function);
    // Only selling is idempotent: the grant gives the decrement function the table and its name.
    for (const route of COUNTER_SYSTEM.idempotentRoutes) {
      this.idempotencyTable.grant(this.routeFunction(route).function, { envName: TABLES.idempotency.envName });
    }
    this.table.grantReadWriteItems(this.routeFunction(ROUTES.reset).function);

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'The counter API (stage URL)' });
    new CfnOutput(this, 'StaffUserPoolId', { value: this.staffPool.userPoolId, description: 'The staff pool: add staff with aws cognito-idp admin-create-user, then admin-add-user-to-group staff' });
    new CfnOutput(this, 'StaffClientId', { value: this.staffClient.userPoolClientId, description: 'The app client staff sign in with for a reset token' });
  }

  /** The function of a route of the system declaration (every counter route has its own). */
  private routeFunction(route: ExampleRoute): TracedFunction {
    const traced = this.api.tracedFunctions[TracedApi.routeKey(route.method, route.path)];
    if (!traced) throw new Error(`CounterApiStack: ${route.method} ${route.path} has no function of its own in the API`);
    return traced;
  }

  /**
   * A WAF rate-based rule on the API's WebACL: at most `decrementsPerClientPerMinute` calls of
   * `POST /decrement` per client IP and minute, then 429 until the rate drops. Added to the WebACL
   * TracedApi made, after its own per-IP rule.
   */
  private limitDecrementsPerClient(): void {
    const acl = this.api.webAcl!.webAcl;
    const rules = [...(acl.rules as wafv2.CfnWebACL.RuleProperty[])];
    const at = rules.findIndex((r) => r.name === 'RateLimitPerIp') + 1;
    rules.splice(at, 0, {
      name: 'DecrementsPerClient',
      priority: 0,
      action: { block: { customResponse: { responseCode: 429, responseHeaders: [{ name: 'Retry-After', value: '60' }] } } },
      statement: {
        rateBasedStatement: {
          aggregateKeyType: 'IP',
          limit: COUNTER_SYSTEM.decrementsPerClientPerMinute,
          evaluationWindowSec: 60,
          scopeDownStatement: {
            byteMatchStatement: {
              fieldToMatch: { uriPath: {} },
              positionalConstraint: 'ENDS_WITH',
              searchString: ROUTES.sell.path,
              textTransformations: [{ priority: 0, type: 'NONE' }],
            },
          },
        },
      },
      visibilityConfig: { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: 'CounterDecrementsPerClient' },
    });
    acl.rules = rules.map((r, priority) => ({ ...r, priority }));
  }
}
