import { startEngines } from '../../tools/engines';

/**
 * Starts the local engines the handler tests talk to (DynamoDB Local, redis-server, ...) once per
 * jest run, on 127.0.0.1, and publishes their endpoints as environment variables to the workers.
 */
export default async function globalSetup(): Promise<void> {
  const started = await startEngines();
  for (const engine of started) Object.assign(process.env, engine.env);
  (globalThis as any).__RAMPART_ENGINES__ = started;
}
