import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GUARD_CACHE_VARIABLE } from '../../src/compliance/private/control-tower-checks';
import { startEngines } from '../../tools/engines';

/**
 * Starts the local engines the handler tests talk to (DynamoDB Local, redis-server, ...) once per
 * jest run, on 127.0.0.1, and publishes their endpoints as environment variables to the workers.
 *
 * Gives the run one fresh cfn-guard result directory: a stack synthesized identically by several test
 * files (an example's stage in its stack tests and in its pipeline's) is checked by cfn-guard once.
 */
export default async function globalSetup(): Promise<void> {
  if (!process.env[GUARD_CACHE_VARIABLE]) {
    process.env[GUARD_CACHE_VARIABLE] = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-cfn-guard-'));
    (globalThis as any).__RAMPART_GUARD_CACHE__ = process.env[GUARD_CACHE_VARIABLE];
  }
  const started = await startEngines();
  for (const engine of started) Object.assign(process.env, engine.env);
  (globalThis as any).__RAMPART_ENGINES__ = started;
}
