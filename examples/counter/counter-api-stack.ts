import { CfnOutput, Stack, StackProps, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { COUNTER_ENV, DEFAULT_COUNTER_ID, DEFAULT_START } from './handlers/domain/settings';
import { COUNTER_ROUTES, EXAMPLE, STAFF_KEY_NAME, STAGE_NAME } from './routes';
import { HttpMethod, TracedApi } from '../../src/api';
import { DataTable } from '../../src/data';
import { tracedApiRoutes } from '../shared/local/routes';

export interface CounterApiStackProps extends StackProps {
  /**
   * The counter's start and reset value (a whole number, at least 1).
   *
   * @default 1000
   */
  readonly startValue?: number;
}

/** The counter API: `GET /counter`, `POST /decrement`, `PUT /reset` (staff API key) on one DynamoDB item. */
export class CounterApiStack extends Stack {
  public readonly table: DataTable;
  public readonly idempotencyTable: DataTable;
  public readonly api: TracedApi;

  constructor(scope: Construct, id: string, props: CounterApiStackProps = {}) {
    super(scope, id, props);
    const startValue = props.startValue ?? DEFAULT_START;
    if (!Token.isUnresolved(startValue) && (!Number.isInteger(startValue) || startValue < 1)) {
      throw new Error(`CounterApiStack ${this.node.path}: invalid props:\n  - startValue: ${startValue} is not allowed; use a whole number of at least 1`);
    }

    this.table = new DataTable(this, 'Counter', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    });
    // Powertools idempotency records (partition key `id`, expiry `expiration`): one per sale retried
    // with its Idempotency-Key, gone after an hour.
    this.idempotencyTable = new DataTable(this, 'Idempotency', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'expiration',
    });

    this.api = new TracedApi(this, 'Api', {
      serviceName: 'counter',
      stageName: STAGE_NAME,
      // A shop's counter: a few sales a minute. The stage throttle caps what a runaway client costs.
      throttle: { rateLimit: 50, burstLimit: 100 },
      routes: tracedApiRoutes(EXAMPLE, COUNTER_ROUTES, {
        memorySize: 512,
        environment: {
          [COUNTER_ENV.TABLE]: this.table.tableName,
          [COUNTER_ENV.START]: String(startValue),
          [COUNTER_ENV.ID]: DEFAULT_COUNTER_ID,
          [COUNTER_ENV.IDEMPOTENCY_TABLE]: this.idempotencyTable.tableName,
        },
      }),
      usagePlan: {
        apiKeyNames: [STAFF_KEY_NAME],
        throttle: { rateLimit: 1, burstLimit: 5 },
      },
    });
    this.table.grantReadItems(this.api.functionFor(HttpMethod.GET, '/counter'));
    this.table.grantReadWriteItems(this.api.functionFor(HttpMethod.POST, '/decrement'));
    this.idempotencyTable.grantReadWriteItems(this.api.functionFor(HttpMethod.POST, '/decrement'));
    this.table.grantReadWriteItems(this.api.functionFor(HttpMethod.PUT, '/reset'));

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'The counter API (stage URL)' });
    new CfnOutput(this, 'StaffApiKeyId', {
      value: this.api.apiKeys[STAFF_KEY_NAME].keyId,
      description: 'The staff key for PUT /reset: aws apigateway get-api-key --include-value --api-key <this id>',
    });
  }
}
