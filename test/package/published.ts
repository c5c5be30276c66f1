import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** The repository root. */
export const ROOT = path.resolve(__dirname, '..', '..');

/** What `npm pack --json` says about the tarball. */
export interface PackResult {
  readonly filename: string;
  /** Bytes of the gzipped tarball. */
  readonly size: number;
  /** Bytes of its files, unpacked. */
  readonly unpackedSize: number;
  readonly entryCount: number;
  readonly files: Array<{ readonly path: string; readonly size: number }>;
}

function newestMtime(dir: string, pattern: RegExp): { file: string; mtime: number } {
  let newest = { file: '', mtime: 0 };
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !pattern.test(entry.name)) continue;
    const file = path.join(entry.parentPath, entry.name);
    const mtime = fs.statSync(file).mtimeMs;
    if (mtime > newest.mtime) newest = { file, mtime };
  }
  return newest;
}

/**
 * Fails unless lib/ and the jsii assembly are built from the current src/: the package tests read
 * what `npm pack` would publish. `npx projen test` compiles first; a direct jest run needs
 * `npx projen compile` after changing src/.
 */
export function expectBuiltLibrary(): void {
  const assembly = path.join(ROOT, '.jsii');
  const entry = path.join(ROOT, 'lib', 'index.js');
  if (!fs.existsSync(assembly) || !fs.existsSync(entry)) {
    throw new Error('lib/ or .jsii is missing: run `npx projen compile` (the test task compiles before jest)');
  }
  const built = Math.min(fs.statSync(assembly).mtimeMs, fs.statSync(entry).mtimeMs);
  const source = newestMtime(path.join(ROOT, 'src'), /\.ts$/);
  if (source.mtime > built) {
    throw new Error(`lib/ is older than ${path.relative(ROOT, source.file)}: run \`npx projen compile\``);
  }
}

/** `npm pack` of the repository: a dry run by default, else the tarball written to `destination`. */
export function pack(destination?: string): PackResult {
  const args = ['pack', '--json', '--ignore-scripts', ...(destination ? ['--pack-destination', destination] : ['--dry-run'])];
  const out = execFileSync('npm', args, { cwd: ROOT, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out)[0] as PackResult;
}
