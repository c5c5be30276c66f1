import * as fs from 'fs';
import type { ServerResponse } from 'http';
import * as path from 'path';
import { buildSync } from 'esbuild';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

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

/**
 * Serves a GET/HEAD for a file of `roots` (first root holding it wins), `/` meaning `index.html`,
 * with the security headers the deployed site sends. Never serves outside the roots.
 */
export function serveStatic(res: ServerResponse, method: string, urlPath: string, roots: string[], securityHeaders: Record<string, string>): void {
  const send = (status: number, type: string, body: Buffer | string) => {
    res.writeHead(status, { ...securityHeaders, 'content-type': type, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
    res.end(method === 'HEAD' ? undefined : body);
  };
  if (method !== 'GET' && method !== 'HEAD') return send(405, 'text/plain; charset=utf-8', 'Method not allowed\n');
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return send(400, 'text/plain; charset=utf-8', 'Bad path\n');
  }
  if (rel.endsWith('/')) rel += 'index.html';
  for (const root of roots) {
    const file = path.resolve(root, `.${path.posix.normalize(rel)}`);
    if (!file.startsWith(path.resolve(root) + path.sep)) continue;
    if (fs.existsSync(file) && fs.statSync(file).isFile()) {
      return send(200, CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', fs.readFileSync(file));
    }
  }
  return send(404, 'text/plain; charset=utf-8', 'Not found\n');
}
