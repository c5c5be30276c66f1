/**
 * The cat-and-hat gallery: a small server-rendered front end in front of the images API.
 *
 *   API_URL=https://.../v1 API_KEY=... ASSETS_BASE_URL=https://dxxxx.cloudfront.net \
 *   UPLOAD_ORIGIN=https://originals-bucket.s3.eu-west-1.amazonaws.com PORT=8080 node server.js
 *
 * Pages are HTML rendered here from the API's answers (every value escaped); the browser gets one
 * small script (/static/gallery.js) for what a form cannot do: sending a file straight to the
 * bucket with the presigned POST the API hands out, and waiting for a queued composition. The API
 * key never leaves this server. Every answer carries a strict Content-Security-Policy.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { ApiAnswer, ApiClient, ApiUnreachableError, Composition, GalleryImage, IMAGE_KINDS, ImageKind, problemOf } from './api';
import { compositionPage, galleryPage, GalleryModel, messagePage, Notice, PLACEMENT_FIELDS, PlacementForm } from './pages';
import { serveStatic } from '../../shared/local-run/static-files';

export interface FrontendConfig {
  /** The images API's base URL, stage included. */
  readonly apiUrl: string;
  /** The API key sent as `x-api-key` (the front end's own key of this environment). */
  readonly apiKey: string;
  /** Where image URLs point (CloudFront on AWS): the only origin pages load images from. */
  readonly assetsBaseUrl: string;
  /** The origin browsers send uploads to (the originals bucket's endpoint): the only origin pages connect to besides their own. */
  readonly uploadOrigin: string;
  /** The built static assets (gallery.js, gallery.css). @default - `static/` next to this file */
  readonly staticDir?: string;
  /** Milliseconds the health check waits for the API. @default 2000 */
  readonly healthTimeoutMs?: number;
  /** Milliseconds any other API call may take. @default 8000 */
  readonly apiTimeoutMs?: number;
  /** Write one JSON line per request to stdout. @default false */
  readonly log?: boolean;
}

/** The configuration from the environment; throws naming every variable that is missing or not a URL. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): FrontendConfig & { port: number } {
  const problems: string[] = [];
  const url = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) problems.push(`${name} is not set`);
    else if (!/^https?:\/\/[^\s/]+/.test(value)) problems.push(`${name} must be an http(s) URL, got '${value}'`);
    return value ?? '';
  };
  const config = {
    apiUrl: url('API_URL'),
    assetsBaseUrl: url('ASSETS_BASE_URL'),
    uploadOrigin: url('UPLOAD_ORIGIN'),
    apiKey: env.API_KEY?.trim() ?? '',
    port: Number(env.PORT ?? 8080),
    log: true,
  };
  if (!config.apiKey) problems.push('API_KEY is not set');
  if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) problems.push(`PORT must be a port number, got '${env.PORT}'`);
  if (problems.length) throw new Error(`The gallery cannot start: ${problems.join('; ')}`);
  return config;
}

/** The headers of every answer: the Content-Security-Policy allows this origin, the assets' (images) and the uploads' (connect) only. */
export function securityHeaders(config: Pick<FrontendConfig, 'assetsBaseUrl' | 'uploadOrigin'>): Record<string, string> {
  const assets = new URL(config.assetsBaseUrl).origin;
  const uploads = new URL(config.uploadOrigin).origin;
  return {
    'content-security-policy': [
      "default-src 'none'", "script-src 'self'", "style-src 'self'", `img-src 'self' ${assets}`, `connect-src 'self' ${uploads}`,
      "form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'",
    ].join('; '),
    'strict-transport-security': 'max-age=63072000; includeSubDomains',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'same-origin',
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
  };
}

/** Ids and keys the API hands out; anything else is refused before it reaches the API's URL. */
const ID = /^[A-Za-z0-9_-]{1,128}$/;
const MAX_BODY_BYTES = 16 * 1024;

class RequestError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new RequestError(413, 'The request is too large.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface Frontend {
  readonly server: http.Server;
  /** e.g. `http://127.0.0.1:41234` once listening. */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the gallery on 127.0.0.1 (or `host`) at `port` (0: a free one). */
export async function startFrontend(config: FrontendConfig, port = 0, host = '127.0.0.1'): Promise<Frontend> {
  const server = http.createServer(requestHandler(config));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export function requestHandler(config: FrontendConfig): http.RequestListener {
  const api = new ApiClient({ apiUrl: config.apiUrl, apiKey: config.apiKey, timeoutMs: config.apiTimeoutMs });
  const headers = securityHeaders(config);
  const staticDir = config.staticDir ?? path.join(__dirname, 'static');

  const send = (res: http.ServerResponse, status: number, type: string, body: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, { ...headers, 'content-type': type, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body), ...extra });
    res.end(body);
  };
  const page = (res: http.ServerResponse, status: number, body: string, extra: Record<string, string> = {}) =>
    send(res, status, 'text/html; charset=utf-8', body, extra);
  const json = (res: http.ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}) =>
    send(res, status, 'application/json', JSON.stringify(body), extra);

  /** A failed API answer as the browser gets it: the API's 4xx as they are (but a refused key is ours: 502), its 5xx as 503. */
  const failure = (answer: ApiAnswer): { status: number; notice: Notice; retryAfter?: string } => {
    const { message, issues } = problemOf(answer);
    const status = answer.status === 401 || answer.status === 403 ? 502 : answer.status >= 500 || answer.status === 429 ? 503 : answer.status;
    return { status, notice: { kind: 'alert', message, issues }, retryAfter: status === 503 ? answer.retryAfter ?? '2' : undefined };
  };

  /** Both kinds' ready images; a failure is a notice (and the page's status). */
  async function gallery(): Promise<{ model: Pick<GalleryModel, 'cats' | 'hats'>; failed?: ReturnType<typeof failure> }> {
    const [cats, hats] = await Promise.all(IMAGE_KINDS.map((kind) => api.images(kind)));
    const list = (a: ApiAnswer<{ images?: GalleryImage[] }>) => (a.status === 200 && Array.isArray(a.body.images) ? a.body.images : undefined);
    const bad = [cats, hats].find((a) => list(a) === undefined);
    return { model: { cats: list(cats), hats: list(hats) }, failed: bad ? failure(bad.status === 200 ? { ...bad, status: 502 } : bad) : undefined };
  }

  async function showGallery(res: http.ServerResponse, status: number, extra: Partial<GalleryModel> & { retryAfter?: string } = {}) {
    const { model, failed } = await gallery();
    const notice = failed?.notice ?? extra.notice;
    const retryAfter = extra.retryAfter ?? failed?.retryAfter;
    page(res, failed && status < 400 ? failed.status : status, galleryPage({ ...model, notice, chosen: extra.chosen }), retryAfter ? { 'retry-after': retryAfter } : {});
  }

  /** The proxy the page's script calls: the same body to the API with the key, its answer back (failures as `{ message, issues }`). */
  async function relay(res: http.ServerResponse, answer: ApiAnswer) {
    if (answer.status >= 200 && answer.status < 300) return json(res, answer.status, answer.body);
    const f = failure(answer);
    return json(res, f.status, { message: f.notice.message, issues: f.notice.issues ?? [] }, f.retryAfter ? { 'retry-after': f.retryAfter } : {});
  }

  async function compose(req: http.IncomingMessage, res: http.ServerResponse) {
    const form = new URLSearchParams(await readBody(req));
    const catId = form.get('catId') ?? '';
    const hatId = form.get('hatId') ?? '';
    const chosen: GalleryModel['chosen'] = { catId, hatId };
    const issues: { path: string; message: string }[] = [];
    if (!ID.test(catId)) issues.push({ path: '', message: 'Choose a cat.' });
    if (!ID.test(hatId)) issues.push({ path: '', message: 'Choose a hat.' });
    const numbers = {} as PlacementForm;
    for (const f of PLACEMENT_FIELDS) {
      const raw = form.get(f.name)?.trim() ?? '';
      const value = Number(raw);
      if (raw === '' || !Number.isFinite(value) || value < f.min || value > f.max) {
        issues.push({ path: '', message: `${f.label} must be a number from ${f.min} to ${f.max}.` });
      } else {
        numbers[f.name] = value;
        (chosen as Record<string, unknown>)[f.name] = value;
      }
    }
    if (issues.length) return showGallery(res, 400, { chosen, notice: { kind: 'alert', message: 'The hat cannot go on yet:', issues } });
    const started = performance.now();
    const placement = { x: numbers.x / 100, y: numbers.y / 100, scale: numbers.scale / 100, rotation: numbers.rotation };
    const answer = await api.compose(catId, hatId, placement);
    const answered = { status: answer.status, ms: Math.round(performance.now() - started) };
    if ((answer.status === 200 || answer.status === 202) && ID.test(answer.body.key ?? '')) {
      return page(res, answer.status, compositionPage(answer.body, answered));
    }
    const f = failure(answer.status < 300 ? { ...answer, status: 502 } : answer);
    return showGallery(res, f.status, { chosen, notice: f.notice, retryAfter: f.retryAfter });
  }

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://frontend');
    const method = req.method ?? 'GET';
    const parts = url.pathname.split('/').filter(Boolean);

    if (method === 'POST' && req.headers['sec-fetch-site'] && !['same-origin', 'none'].includes(String(req.headers['sec-fetch-site']))) {
      throw new RequestError(403, 'The gallery only accepts its own forms.');
    }
    if (url.pathname === '/health' && method === 'GET') {
      // Healthy when the API answers the gallery's own question (the cats) with this key, in time.
      try {
        const answer = await api.call('GET', '/images?kind=cat', undefined, config.healthTimeoutMs ?? 2_000);
        return answer.status === 200
          ? json(res, 200, { status: 'ok', api: 'reachable' })
          : json(res, 503, { status: 'unavailable', api: `answered ${answer.status}` });
      } catch (error) {
        return json(res, 503, { status: 'unavailable', api: error instanceof ApiUnreachableError ? error.reason : 'unreachable' });
      }
    }
    if (parts[0] === 'static') return serveStatic(res, method, url.pathname.slice('/static'.length), [staticDir], headers);
    if (url.pathname === '/' && (method === 'GET' || method === 'HEAD')) {
      const added = url.searchParams.get('added') as ImageKind | null;
      return showGallery(res, 200, added && IMAGE_KINDS.includes(added)
        ? { notice: { kind: 'status', message: `Your ${added} is in the gallery.` } } : {});
    }
    if (url.pathname === '/compose' && method === 'POST') return compose(req, res);
    if (url.pathname === '/uploads' && method === 'POST') {
      if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
        return page(res, 415, messagePage('Uploading needs JavaScript', 'Uploading needs JavaScript in this browser: the picture goes straight to storage with a one-time permission the page asks for.'));
      }
      let body: { kind?: unknown; contentType?: unknown; size?: unknown };
      try {
        body = JSON.parse(await readBody(req));
      } catch (error) {
        if (error instanceof RequestError) throw error;
        return json(res, 400, { message: 'The upload request is not JSON.', issues: [] });
      }
      return relay(res, await api.call('POST', '/uploads', { kind: body?.kind, contentType: body?.contentType, size: body?.size }));
    }
    if (parts.length === 3 && parts[0] === 'images' && parts[2] === 'complete' && method === 'POST') {
      if (!ID.test(parts[1])) return json(res, 404, { message: 'No such upload.', issues: [] });
      return relay(res, await api.call('POST', `/images/${parts[1]}/complete`));
    }
    if (parts[0] === 'compositions' && (parts.length === 2 || (parts.length === 3 && parts[2] === 'status')) && method === 'GET') {
      const asJson = parts.length === 3;
      if (!ID.test(parts[1])) {
        return asJson ? json(res, 404, { message: 'No such composition.', issues: [] }) : page(res, 404, messagePage('Not found', 'There is no such composition.'));
      }
      const answer = await api.composition(parts[1]);
      if (asJson) return relay(res, answer);
      if (answer.status === 200) return page(res, 200, compositionPage(answer.body as Composition));
      const f = failure(answer);
      return page(res, f.status, messagePage(answer.status === 404 ? 'Not found' : 'Something went wrong', answer.status === 404 ? 'There is no such composition.' : f.notice.message));
    }
    return page(res, 404, messagePage('Not found', 'There is no such page in the gallery.'));
  }

  return (req, res) => {
    const started = performance.now();
    if (config.log) {
      res.on('finish', () => console.log(JSON.stringify({ method: req.method, path: (req.url ?? '').split('?')[0], status: res.statusCode, ms: Math.round(performance.now() - started) })));
    }
    route(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.end();
      // The page's script asks for JSON; people get a page.
      const answer = (status: number, title: string, message: string, extra: Record<string, string> = {}) =>
        (/application\/json/.test(req.headers.accept ?? '')
          ? json(res, status, { message, issues: [] }, extra)
          : send(res, status, 'text/html; charset=utf-8', messagePage(title, message), extra));
      if (error instanceof RequestError) return answer(error.status, 'Refused', error.message);
      if (error instanceof ApiUnreachableError) {
        console.error(JSON.stringify({ level: 'WARN', message: error.message }));
        return answer(503, 'Unavailable', 'The image service cannot be reached just now. Please try again in a few seconds.', { 'retry-after': '5' });
      }
      console.error(JSON.stringify({ level: 'ERROR', message: 'Request failed', error: String((error as Error)?.stack ?? error) }));
      return answer(500, 'Something went wrong', 'The gallery failed to answer. Please try again.');
    });
  };
}

if (require.main === module) {
  const { port, ...config } = configFromEnv();
  startFrontend(config, port, '0.0.0.0').then(
    (running) => {
      console.log(JSON.stringify({ level: 'INFO', message: `Gallery listening on port ${port}`, api: config.apiUrl }));
      const stop = () => { void running.close().then(() => process.exit(0)); };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
    (error) => { console.error(error); process.exit(1); },
  );
}
