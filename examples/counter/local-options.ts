import { randomBytes } from 'crypto';
import { tokenIdentity, type LocalOptions } from '../shared/local-run';
import { COUNTER_ENV, DEFAULT_COUNTER_ID, DEFAULT_START } from './handlers/domain/settings';
import { COUNTER_ROUTES, EXAMPLE, STAFF_GROUP, STAGE_NAME } from './routes';

/** How the counter runs locally: the stack's route table, its table and the functions' environment. */
export interface CounterLocalOverrides {
  readonly port?: number;
  readonly start?: number;
  readonly dynamoDbEndpoint?: string;
  /**
   * The local stand-in for a staff sign-in token (a member of `staff`): `Authorization: Bearer <it>`
   * resets. @default - a random token (local.ts prints it)
   */
  readonly staffToken?: string;
  readonly log?: boolean;
}

export function counterLocalOptions(overrides: CounterLocalOverrides = {}): LocalOptions & { readonly staffToken: string } {
  const start = overrides.start ?? DEFAULT_START;
  const staffToken = overrides.staffToken ?? randomBytes(16).toString('hex');
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
    // Who may reset: on AWS a token of the staff pool in the staff group; here one fixed token.
    identity: tokenIdentity({ [staffToken]: { claims: { 'sub': 'local-staff', 'email': 'staff@example.com', 'cognito:groups': STAFF_GROUP } } }),
    staffToken,
    log: overrides.log,
  };
}
