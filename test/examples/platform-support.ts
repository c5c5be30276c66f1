import { contractTester } from '@cdk-rampart/lambda-kit/contract';
import { lambdaContext } from '@cdk-rampart/lambda-kit/testing';
import { createPlatformDatabase, dropPlatformDatabase, migrationsRunner, useDatabase } from '../../examples/platform/local/database';
import { closeDatabase } from '../../examples/platform/storage/database';
import { PLATFORM_CONTRACT, type PlatformServiceName } from '../../examples/platform/system';
import { postgresConnection } from '../../tools/engines/postgres';

/**
 * What the platform services' tests share: a database of their own on the test run's PostgreSQL,
 * its schemas made by the services' migrations through the runner DatabaseMigrations deploys (the
 * local run makes its database the same way), and handler calls checked against the contract.
 */

export { migrationsRunner };

/** The test run's PostgreSQL server (RAMPART_ENGINES=postgres). */
export function postgresServer() {
  const { host, port, user, password } = postgresConnection();
  return { host, port, user, password };
}

/**
 * Registers, in the calling test file, a fresh database `database` with `services` migrated
 * before its tests (the handlers' PG* variables point at it, Powertools is silent), closed and
 * dropped after. `onMigrated` receives the migrations applied, by service.
 */
export function platformDatabase(
  database: string, services: readonly PlatformServiceName[],
  onMigrated: (applied: Partial<Record<PlatformServiceName, string[]>>) => void = () => undefined,
): void {
  beforeAll(async () => {
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    const { connection, applied } = await createPlatformDatabase(postgresServer(), database, services);
    onMigrated(applied);
    useDatabase(connection);
  });
  afterAll(async () => {
    await closeDatabase();
    await dropPlatformDatabase(postgresServer(), database);
  });
}

/** A handler's answer, its body parsed. */
export interface HandlerAnswer {
  readonly status: number;
  readonly headers: Record<string, any>;
  readonly body: any;
}

/**
 * Calls handlers and checks each answer against the contract's operation (`contractTester`);
 * `answered` collects the operations called, for a test that every operation was.
 */
export function contractCalls(functionName: string) {
  const contract = contractTester(PLATFORM_CONTRACT);
  const context = lambdaContext({ functionName });
  const answered = new Set<string>();
  async function call(operationId: string, handler: (e: any, c: any) => Promise<any>, event: any): Promise<HandlerAnswer> {
    const response = await handler(event, context);
    contract.assertResponse(operationId, response);
    answered.add(operationId);
    return { status: response.statusCode as number, headers: response.headers ?? {}, body: response.body ? JSON.parse(response.body) : undefined };
  }
  return { call, answered };
}
