import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Runs `script` in a fresh Node.js process (in the repository root, able to require TypeScript)
 * and returns the last line of its stdout, parsed as JSON. For what only Node's own require.cache
 * shows: jest's module registry is not Node's.
 */
export function inFreshProcess(script: string): any {
  const run = spawnSync(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), '-e', script], {
    cwd: ROOT,
    encoding: 'utf-8',
    env: { ...process.env, TS_NODE_SWC: 'true', TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.dev.json') },
  });
  if (run.status !== 0) throw new Error(`fresh process failed (${run.status}):\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!);
}
