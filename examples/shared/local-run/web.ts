import * as fs from 'fs';
import * as path from 'path';
import { buildSync } from 'esbuild';

// serveStatic has no build-time dependencies, so a server bundle (a container's) can take it alone.
export { serveStatic } from './static-files';

/**
 * Builds an example's web folder into `outDir` the way `npx projen examples:build` does
 * (tools/build-examples.ts): each top-level `.ts` is a browser entry point bundled to `.js`, other
 * files are copied. A run builds into its own folder, so runs and tests never share output.
 */
export function buildWebInto(srcDir: string, outDir: string): void {
  const walk = (dir: string) => {
    for (const f of fs.readdirSync(dir).sort()) {
      const full = path.join(dir, f);
      const rel = path.relative(srcDir, full);
      if (fs.statSync(full).isDirectory()) { walk(full); continue; }
      if (f.endsWith('.test.ts') || f.endsWith('.d.ts') || (f.endsWith('.ts') && dir !== srcDir)) continue;
      if (f.endsWith('.ts')) {
        buildSync({
          entryPoints: [full],
          outfile: path.join(outDir, rel.replace(/\.ts$/, '.js')),
          bundle: true,
          platform: 'browser',
          target: 'es2020',
          format: 'esm',
          sourcemap: 'inline',
          logLevel: 'warning',
        });
      } else {
        fs.mkdirSync(path.dirname(path.join(outDir, rel)), { recursive: true });
        fs.copyFileSync(full, path.join(outDir, rel));
      }
    }
  };
  walk(srcDir);
}
