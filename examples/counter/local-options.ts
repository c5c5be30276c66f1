import type { LocalOptions } from '../shared/local';
import { COUNTER_ENV, DEFAULT_COUNTER_ID, DEFAULT_START } from './handlers/domain/settings';
import { COUNTER_ROUTES, EXAMPLE, STAGE_NAME } from './routes';

/** How the counter runs locally: the stack's route table, its table and the functions' environment. */
export interface CounterLocalOverrides {
  readonly port?: number;
  readonly start?: number;
  readonly dynamoDbEndpoint?: string;
  readonly apiKey?: string;
  readonly log?: boolean;
}

export function counterLocalOptions(overrides: CounterLocalOverrides = {}): LocalOptions {
  const start = overrides.start ?? DEFAULT_START;
  return {
    example: EXAMPLE,
    routes: COUNTER_ROUTES,
    stageName: STAGE_NAME,
    tables: [
      { envName: COUNTER_ENV.TABLE, partitionKey: 'pk' },
      { envName: COUNTER_ENV.IDEMPOTENCY_TABLE, partitionKey: 'id' },
    ],
    environment: { [COUNTER_ENV.START]: String(start), [COUNTER_ENV.ID]: DEFAULT_COUNTER_ID },
    webConfig: { startValue: start, environment: 'local' },
    port: overrides.port,
    dynamoDbEndpoint: overrides.dynamoDbEndpoint,
    apiKey: overrides.apiKey,
    log: overrides.log,
  };
}
