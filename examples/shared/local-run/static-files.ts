import * as fs from 'fs';
import type { ServerResponse } from 'http';
import * as path from 'path';

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
