import { randomBytes } from 'crypto';
import { DEFAULT_START } from './domain/settings';
import { COUNTER_SYSTEM } from './system';
import { startLocal, tokenIdentity, type LocalExample, type LocalOptions } from '../shared/local-run';

/** How the counter runs locally; everything else comes from the system declaration (system.ts). */
export interface CounterLocalOverrides {
  /** @default 0 (a free port) */
  readonly port?: number;
  /** The start and reset value. @default 1000 */
  readonly start?: number;
  /** A DynamoDB already running (its tables are deleted on stop). @default - DynamoDB Local is started */
  readonly dynamoDbEndpoint?: string;
  /**
   * The local stand-in for a staff sign-in token (a member of `staff`): `Authorization: Bearer <it>`
   * resets. @default - a random token (printed)
   */
  readonly staffToken?: string;
  /** Build and serve the web card (tests of the API alone skip the build). @default true */
  readonly pages?: boolean;
  /** Print the URLs and the staff token. @default true */
  readonly log?: boolean;
}

/** The counter running locally, and the token that resets it. */
export interface CounterLocal extends LocalExample {
  readonly staffToken: string;
}

/**
 * The local run's options from the system declaration: the stack's routes and tables (same keys),
 * the functions' environment, and who may reset.
 */
export function counterLocalOptions(overrides: CounterLocalOverrides = {}): LocalOptions & { readonly staffToken: string } {
  const start = overrides.start ?? DEFAULT_START;
  const staffToken = overrides.staffToken ?? randomBytes(16).toString('hex');
  const { tables } = COUNTER_SYSTEM;
  return {
    example: COUNTER_SYSTEM.example,
    routes: COUNTER_SYSTEM.routeList,
    stageName: COUNTER_SYSTEM.stageName,
    // Locally every route's environment is one process's: the idempotency table is known to all.
    tables: [tables.counter, tables.idempotency],
    environment: COUNTER_SYSTEM.environment(start),
    webConfig: { startValue: start, environment: 'local' },
    port: overrides.port,
    dynamoDbEndpoint: overrides.dynamoDbEndpoint,
    // Who may reset: on AWS a token of the staff pool in the staff group; here one fixed token.
    identity: tokenIdentity({ [staffToken]: { claims: { 'sub': 'local-staff', 'email': 'staff@example.com', 'cognito:groups': COUNTER_SYSTEM.staffGroup } } }),
    staffToken,
    pages: overrides.pages,
    log: overrides.log,
  };
}

/**
 * Starts the counter on 127.0.0.1: DynamoDB Local (unless an endpoint is given) with the system's
 * tables, the web card and the API answered by the real handlers in-process. The README's local run
 * (local.ts) and the tests start it through here.
 */
export async function startCounterLocal(overrides: CounterLocalOverrides = {}): Promise<CounterLocal> {
  const options = counterLocalOptions(overrides);
  if (overrides.log ?? true) console.log(`  Staff sign-in token (Reset, Authorization: Bearer): ${options.staffToken}`);
  const local = await startLocal(options);
  return { ...local, staffToken: options.staffToken };
}
