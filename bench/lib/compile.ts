/**
 * Compiles the TypeScript a synth needs (src/, examples/, tools/, bench/apps/) into
 * bench/out/js/ with esbuild's per-file transform (no bundling, no type check), keeping the tree's
 * shape so relative imports hold, and links bench/out/js/{assets,build,node_modules} to the
 * repository's so relative asset paths (`../../assets/...`, `build/examples/...`) resolve, and
 * copies each example's web/ folder but its TypeScript (its stacks list the pages at synth). Apps then
 * run with plain `node`, as a user's compiled app would.
 */
import * as fs from 'fs';
import * as path from 'path';
import { transformSync } from 'esbuild';

export const ROOT = path.resolve(__dirname, '..', '..');
export const JS_OUT = path.join(ROOT, 'bench', 'out', 'js');

const TREES = ['src', 'examples', 'tools', path.join('bench', 'apps'), path.join('bench', 'handlers')];
const SKIP_DIRS = new Set(['node_modules', 'cdk.out', 'web', 'out']);

function walk(dir: string, into: string[]): void {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) walk(full, into);
    } else if (/\.tsx?$/.test(entry.name) && !/\.(test|d)\.tsx?$/.test(entry.name)) {
      into.push(full);
    }
  }
}

function link(name: string): void {
  const at = path.join(JS_OUT, name);
  fs.rmSync(at, { recursive: true, force: true });
  fs.symlinkSync(path.join(ROOT, name), at, 'dir');
}

/** Transpiles every file; returns how many and how long it took. */
export function compileForBench(): { files: number; ms: number } {
  const start = Date.now();
  fs.rmSync(JS_OUT, { recursive: true, force: true });
  const files: string[] = [];
  for (const t of TREES) walk(path.join(ROOT, t), files);
  for (const file of files) {
    const rel = path.relative(ROOT, file);
    const out = path.join(JS_OUT, rel.replace(/\.tsx?$/, '.js'));
    const { code } = transformSync(fs.readFileSync(file, 'utf-8'), {
      loader: file.endsWith('.tsx') ? 'tsx' : 'ts',
      format: 'cjs',
      target: 'node20',
      sourcefile: rel,
      logLevel: 'error',
    });
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, code);
  }
  // JSON and other data files next to the sources (cdk.json, schemas) come along as they are.
  for (const t of TREES) copyData(path.join(ROOT, t));
  for (const name of ['assets', 'build']) {
    fs.mkdirSync(path.join(ROOT, name), { recursive: true });
    link(name);
  }
  // Stacks read their web folders at synth (e.g. the pass site lists its pages): the files that are
  // not TypeScript come along (the pages' scripts are bundled by examples:build into build/).
  for (const ex of exampleApps()) {
    const web = path.join(ROOT, 'examples', ex, 'web');
    if (fs.existsSync(web)) fs.cpSync(web, path.join(JS_OUT, 'examples', ex, 'web'), { recursive: true, filter: (f) => !/\.tsx?$/.test(f) });
  }
  return { files: files.length, ms: Date.now() - start };
}

function copyData(dir: string): void {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) copyData(full);
    } else if (entry.name.endsWith('.json')) {
      const out = path.join(JS_OUT, path.relative(ROOT, full));
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.copyFileSync(full, out);
    }
  }
}

/** Example apps: examples/<system>/main.ts, found afresh each run so new examples join by themselves. */
export function exampleApps(): string[] {
  const dir = path.join(ROOT, 'examples');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, 'main.ts'))).sort();
}

if (require.main === module) {
  const r = compileForBench();
  console.log(`compiled ${r.files} files into ${path.relative(ROOT, JS_OUT)} in ${r.ms} ms`);
}
