import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const KIT = path.resolve(__dirname, '..');
const ROOT = path.resolve(KIT, '..', '..');

interface PackResult {
  readonly name: string;
  readonly version: string;
  readonly files: Array<{ readonly path: string; readonly size: number }>;
}

/** What `npm pack` of the kit would publish (a dry run; lib/ must be built: `npx projen kit:build`). */
function pack(): PackResult {
  if (!fs.existsSync(path.join(KIT, 'lib', 'index.js')) || !fs.existsSync(path.join(KIT, 'lib', 'esm', 'index.mjs'))) {
    throw new Error('packages/lambda-kit/lib is not built: run `npx projen kit:build` (the test task builds it before jest)');
  }
  const out = execFileSync('npm', ['pack', '--json', '--dry-run', '--ignore-scripts', '--workspace', 'packages/lambda-kit'], {
    cwd: ROOT, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out)[0] as PackResult;
}

describe('the published runtime kit (@cdk-rampart/lambda-kit)', () => {
  let tarball: PackResult;
  let files: string[];
  const manifest = JSON.parse(fs.readFileSync(path.join(KIT, 'package.json'), 'utf-8'));
  beforeAll(() => {
    tarball = pack();
    files = tarball.files.map((f) => f.path);
  });

  test('holds only lib/, its README and package.json', () => {
    expect(tarball.name).toBe('@cdk-rampart/lambda-kit');
    expect(files.filter((f) => !/^(lib\/.+\.(js|mjs|d\.ts)|README\.md|package\.json)$/.test(f))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['README.md', 'package.json', 'lib/index.js', 'lib/index.d.ts', 'lib/esm/index.mjs']));
  });

  test('every export of the package is in the tarball, for require, import and types', () => {
    const targets = Object.values<any>(manifest.exports).flatMap((t) => (typeof t === 'string' ? [t] : Object.values<string>(t)));
    expect(targets.length).toBeGreaterThan(4);
    expect(targets.map((t) => t.replace(/^\.\//, '')).filter((t) => !files.includes(t))).toEqual([]);
  });

  test('every CommonJS module has its declarations; no sources, tests or maps', () => {
    const js = files.filter((f) => f.startsWith('lib/') && f.endsWith('.js'));
    expect(js.filter((f) => !files.includes(f.replace(/\.js$/, '.d.ts')))).toEqual([]);
    expect(files.filter((f) => /(^src\/|^test\/|\.test\.|\.map$|(?<!\.d)\.ts$|tsconfig)/.test(f))).toEqual([]);
  });

  test("is versioned with the library: the same version as the repository's package", () => {
    const library = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));
    expect(tarball.version).toBe(library.version);
  });

  test('every package it imports is a dependency or a peer, and the Powertools pins are the ones the handlers are tested with', () => {
    const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
    const imported = new Set<string>();
    for (const f of files.filter((p) => p.endsWith('.js') || p.endsWith('.mjs'))) {
      const code = fs.readFileSync(path.join(KIT, f), 'utf-8');
      for (const m of code.matchAll(/(?:require\(|from\s*|import\s*)["']([^"'./][^"']*)["']/g)) {
        const spec = m[1];
        if (spec.startsWith('node:') || ['fs', 'net', 'crypto', 'async_hooks', 'path', 'os'].includes(spec)) continue;
        imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
      }
    }
    expect([...imported].filter((p) => !declared.has(p)).sort()).toEqual([]);
    const library = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));
    for (const [name, version] of Object.entries(manifest.dependencies)) {
      if (name.startsWith('@aws-lambda-powertools/')) expect(`${name}@${version}`).toBe(`${name}@${library.devDependencies[name]}`);
    }
  });
});
