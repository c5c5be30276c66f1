/**
 * Builds the ES module half of the runtime kit (packages/lambda-kit): `tsc` writes the CommonJS
 * modules and declarations to lib/ (what `require` loads: jest, ts-node, Node.js); this writes
 * lib/esm/*.mjs from the same sources, which bundlers take through the `import` condition of the
 * package's exports. Handlers are bundled from ES modules so esbuild can drop what a route does
 * not use, and so they share the one ES module build of zod with the handler's own schemas
 * (CommonJS would pull zod's CommonJS build in beside it: about 0.5 MB more per handler).
 *
 * One entry point per subpath, with code splitting: what two subpaths share (the request budget,
 * the SDK limits) is one module, so its state is one, as it is in lib/.
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildSync } from 'esbuild';

const KIT = path.resolve(__dirname, '..', 'packages', 'lambda-kit');
const pkg = JSON.parse(fs.readFileSync(path.join(KIT, 'package.json'), 'utf-8'));

/** The subpaths the package exports, from its exports map: `.` -> src/index.ts, `./redis` -> src/redis/index.ts. */
export function kitEntryPoints(): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const [subpath, target] of Object.entries<any>(pkg.exports)) {
    if (typeof target !== 'object' || !target.import) continue;
    const out = String(target.import).replace(/^\.\/lib\/esm\//, '').replace(/\.mjs$/, '');
    const source = String(target.require).replace(/^\.\/lib\//, 'src/').replace(/\.js$/, '.ts');
    if (!fs.existsSync(path.join(KIT, source))) throw new Error(`exports['${subpath}'] names ${source}, which does not exist`);
    entries[out] = path.join(KIT, source);
  }
  return entries;
}

buildSync({
  entryPoints: kitEntryPoints(),
  outdir: path.join(KIT, 'lib', 'esm'),
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  // Dependencies stay imports: the application installs and bundles them once.
  packages: 'external',
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
});
