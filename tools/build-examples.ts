/**
 * Bundles the example systems' Lambda handlers and web pages with esbuild, at build time, so that
 * synth never bundles (no Docker, no network) and asset hashes depend only on the sources.
 *
 *   examples/<system>/handlers/<name>.ts  ->  build/examples/<system>/handlers/<name>/index.js
 *   examples/<system>/web/*.ts            ->  build/examples/<system>/web/*.js (browser entry points, bundled;
 *                                            .ts files in subfolders are modules they import)
 *   examples/<system>/web/** (other files) ->  copied as they are
 *   examples/<system>/frontend/            ->  build/examples/<system>/frontend/ (a container's build context: server.js,
 *                                            health-check.js, static/, Dockerfile)
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildSync, type BuildOptions } from 'esbuild';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'build', 'examples');

/** Node.js runtime of the example functions; keep in step with the functions' runtime. */
export const HANDLER_TARGET = 'node24';

export function exampleNames(): string[] {
  const dir = path.join(ROOT, 'examples');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, 'main.ts'))).sort();
}

function entries(dir: string, pattern: RegExp): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => pattern.test(f) && !f.endsWith('.test.ts') && !f.endsWith('.d.ts')).sort();
}

/** How every example handler is bundled (the benchmarks measure the same build). */
export const HANDLER_BUILD_OPTIONS = {
  bundle: true,
  minify: true,
  platform: 'node',
  target: HANDLER_TARGET,
  format: 'cjs',
  // The Lambda Node.js runtime ships AWS SDK v3. sharp (native) comes from the images example's
  // layer, built for linux-arm64 by tools/build-sharp-layer.ts.
  external: ['@aws-sdk/*', 'sharp'],
  legalComments: 'none',
  absWorkingDir: ROOT,
} as const satisfies BuildOptions;

export function buildHandlers(example: string): string[] {
  const src = path.join(ROOT, 'examples', example, 'handlers');
  return entries(src, /\.ts$/).map((file) => {
    const name = file.replace(/\.ts$/, '');
    const outfile = path.join(OUT, example, 'handlers', name, 'index.js');
    buildSync({
      entryPoints: [path.join(src, file)],
      outfile,
      ...HANDLER_BUILD_OPTIONS,
      external: [...HANDLER_BUILD_OPTIONS.external],
      logLevel: 'warning',
    });
    return path.relative(ROOT, outfile);
  });
}

export function buildWeb(example: string): string[] {
  return buildBrowserFolder(path.join(ROOT, 'examples', example, 'web'), path.join(OUT, example, 'web'));
}

/**
 * An example's container front end (`examples/<system>/frontend/server.ts`), as the folder its
 * Dockerfile is built from: server.ts and health-check.ts bundled for Node.js, static/ built like
 * a web folder, the Dockerfile and .dockerignore copied.
 */
export function buildFrontend(example: string): string[] {
  const src = path.join(ROOT, 'examples', example, 'frontend');
  if (!fs.existsSync(path.join(src, 'server.ts'))) return [];
  const out = path.join(OUT, example, 'frontend');
  fs.rmSync(out, { recursive: true, force: true });
  const written = ['server', 'health-check'].map((name) => {
    const outfile = path.join(out, `${name}.js`);
    buildSync({
      entryPoints: [path.join(src, `${name}.ts`)],
      outfile,
      bundle: true,
      platform: 'node',
      target: HANDLER_TARGET,
      format: 'cjs',
      legalComments: 'none',
      logLevel: 'warning',
      absWorkingDir: ROOT,
    });
    return path.relative(ROOT, outfile);
  });
  for (const f of ['Dockerfile', '.dockerignore']) {
    fs.copyFileSync(path.join(src, f), path.join(out, f));
    written.push(path.relative(ROOT, path.join(out, f)));
  }
  return [...written, ...buildBrowserFolder(path.join(src, 'static'), path.join(out, 'static'))];
}

function buildBrowserFolder(src: string, out: string): string[] {
  if (!fs.existsSync(src)) return [];
  fs.rmSync(out, { recursive: true, force: true });
  const written: string[] = [];
  const walk = (dir: string) => {
    for (const f of fs.readdirSync(dir).sort()) {
      const full = path.join(dir, f);
      const rel = path.relative(src, full);
      if (fs.statSync(full).isDirectory()) { walk(full); continue; }
      if (f.endsWith('.test.ts') || f.endsWith('.d.ts')) continue;
      if (f.endsWith('.ts') && dir !== src) continue; // a module imported by an entry point
      if (f.endsWith('.ts')) {
        const outfile = path.join(out, rel.replace(/\.ts$/, '.js'));
        buildSync({
          entryPoints: [full],
          outfile,
          bundle: true,
          minify: true,
          platform: 'browser',
          target: 'es2020',
          format: 'esm',
          legalComments: 'none',
          logLevel: 'warning',
          absWorkingDir: ROOT,
        });
        written.push(path.relative(ROOT, outfile));
      } else {
        fs.mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
        fs.copyFileSync(full, path.join(out, rel));
        written.push(path.relative(ROOT, path.join(out, rel)));
      }
    }
  };
  walk(src);
  return written;
}

if (require.main === module) {
  const examples = exampleNames();
  if (examples.length === 0) {
    console.log('examples:build: no example apps under examples/ yet (examples/<system>/main.ts); nothing to bundle.');
  }
  for (const example of examples) {
    const start = Date.now();
    const files = [...buildHandlers(example), ...buildWeb(example), ...buildFrontend(example)];
    console.log(`examples:build: ${example}: ${files.length} file(s) in ${Date.now() - start} ms`);
  }
}
