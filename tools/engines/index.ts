import * as fs from 'fs';
import * as path from 'path';

/** A local engine a test run needs: started once per jest run on 127.0.0.1. */
export interface LocalEngine {
  /** Shown in errors, e.g. `dynamodb-local`. */
  readonly name: string;
  /** Start it; resolve once it answers. */
  start(): Promise<StartedEngine>;
}

export interface StartedEngine {
  readonly name: string;
  /** Environment variables the tests read to reach it, e.g. `{ DYNAMODB_ENDPOINT: 'http://127.0.0.1:8123' }`. */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Every module in this folder (other than this one) exports `engine: LocalEngine`.
 * RAMPART_ENGINES=dynamodb-local,redis limits the run to some of them.
 */
export function discoverEngines(): LocalEngine[] {
  const only = process.env.RAMPART_ENGINES?.split(',').map((s) => s.trim()).filter(Boolean);
  return fs.readdirSync(__dirname)
    .filter((f) => /\.ts$/.test(f) && f !== 'index.ts' && !f.endsWith('.d.ts') && !f.startsWith('_'))
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- engines are discovered at run time
    .map((f) => require(path.join(__dirname, f)).engine as LocalEngine)
    .filter((e) => e && (!only || only.includes(e.name)));
}

export async function startEngines(): Promise<StartedEngine[]> {
  const results = await Promise.allSettled(discoverEngines().map((e) => e.start()));
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason?.message ?? r.reason)] : []));
  if (failures.length > 0) {
    await Promise.all(started.map((e) => e.stop()));
    throw new Error(`Local engines failed to start (run 'bash tools/setup.sh' to install them):\n  - ${failures.join('\n  - ')}`);
  }
  return started;
}
