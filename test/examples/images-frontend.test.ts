import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { problemOf } from '../../examples/images/frontend/api';
import { escapeHtml, html } from '../../examples/images/frontend/html';
import { compositionPage, galleryPage } from '../../examples/images/frontend/pages';
import { configFromEnv, startFrontend, type Frontend, type FrontendConfig } from '../../examples/images/frontend/server';
import { buildWebInto } from '../../examples/shared/local-run';

/**
 * The gallery's server as a local process (examples/images/frontend/server.ts): its pages, the
 * Content-Security-Policy it sends, how it maps the API's answers, and its health check.
 *
 * The API here is a small stand-in speaking the contract's routes (examples/images/system.ts)
 * while the local world is not yet available; the journey (images-browser.test.ts) runs the real one.
 */

const KEY = 'frontend-test-key';
const ASSETS = 'http://127.0.0.1:1/assets';
const UPLOADS = 'http://127.0.0.1:2';

interface StandIn {
  url: string;
  /** Answer every request with this status (a failing API). */
  failWith?: number;
  composed: Set<string>;
  close(): Promise<void>;
}

const IMAGES = {
  cat: [{ imageId: 'cat1', kind: 'cat', width: 64, height: 48, url: `${ASSETS}/originals/cat/cat1` }],
  hat: [{ imageId: 'hat1', kind: 'hat', width: 32, height: 32, url: `${ASSETS}/originals/hat/hat1` }],
};

async function standIn(): Promise<StandIn> {
  const state: StandIn = { url: '', composed: new Set(), close: async () => undefined };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const answer = (status: number, value: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(value));
      };
      if (req.headers['x-api-key'] !== KEY) return answer(403, { message: 'Forbidden' });
      if (state.failWith) return answer(state.failWith, { error: 'ServiceUnavailable', message: 'busy' }, { 'retry-after': '2' });
      const url = new URL(req.url ?? '/', 'http://api');
      if (req.method === 'GET' && url.pathname === '/v1/images') {
        const kind = url.searchParams.get('kind') as 'cat' | 'hat';
        return IMAGES[kind] ? answer(200, { images: IMAGES[kind] }) : answer(400, { message: 'kind must be cat or hat' });
      }
      if (req.method === 'POST' && url.pathname === '/v1/uploads') {
        const parsed = JSON.parse(body);
        return answer(400, { error: 'BadRequest', message: 'Invalid body', details: [{ path: 'kind', message: `'${parsed.kind}' is not cat or hat` }] });
      }
      if (req.method === 'POST' && url.pathname === '/v1/compositions') {
        const { catId, hatId } = JSON.parse(body);
        if (catId !== 'cat1') return answer(404, { error: 'NotFound', message: `No ready cat <${catId}>` });
        const key = `k${hatId}`;
        if (state.composed.has(key)) return answer(200, { key, status: 'ready', url: `${ASSETS}/results/${key}.png` });
        state.composed.add(key);
        return answer(202, { key, status: 'queued', statusUrl: `/compositions/${key}` });
      }
      return answer(404, { message: 'Not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  state.close = () => new Promise((resolve) => server.close(() => resolve()));
  return state;
}

let api: StandIn;
let frontend: Frontend;
let staticDir: string;

function config(overrides: Partial<FrontendConfig> = {}): FrontendConfig {
  return { apiUrl: api.url, apiKey: KEY, assetsBaseUrl: ASSETS, uploadOrigin: UPLOADS, staticDir, ...overrides };
}

async function get(route: string, on: Frontend = frontend): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(`${on.url}${route}`);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

async function postForm(route: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(`${frontend.url}${route}`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** A port nothing listens on (one just freed). */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const PLACEMENT = { x: '50', y: '15', scale: '40', rotation: '0' };

beforeAll(async () => {
  staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'images-frontend-'));
  buildWebInto(path.resolve(__dirname, '../../examples/images/frontend/static'), staticDir);
  api = await standIn();
  frontend = await startFrontend(config());
});

afterEach(() => { api.failWith = undefined; });

afterAll(async () => {
  await frontend?.close();
  await api?.close();
  fs.rmSync(staticDir, { recursive: true, force: true });
});

describe('escaping', () => {
  test('every interpolated value is escaped; fragments are kept as they are', () => {
    expect(escapeHtml('<a href="x" onclick=\'y\'>&</a>')).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p>${inner}${['<', 1, undefined, false]}</p>`.text).toBe('<p><b>&lt;i&gt;</b>&lt;1</p>');
  });

  test('what the API says cannot add markup to a page', () => {
    const hostile = '"><script>alert(1)</script><img src=x onerror=alert(2)>';
    const page = galleryPage({
      cats: [{ imageId: hostile, kind: 'cat', width: 1, height: 1, url: `javascript:${hostile}` }],
      hats: [{ imageId: 'h', kind: 'hat', width: 1, height: 1, url: hostile }],
      notice: { kind: 'alert', message: hostile, issues: [{ path: hostile, message: hostile }] },
    });
    const result = compositionPage({ key: hostile, status: 'ready', url: hostile }, { status: 200, ms: 1 });
    for (const text of [page, result]) {
      expect(text).not.toMatch(/<script>alert|<img src=x/);
      expect(text).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
      // The only script is the external one.
      expect(text.match(/<script[^>]*>/g)).toEqual(['<script type="module" src="/static/gallery.js">']);
    }
  });
});

describe('configuration', () => {
  test('names every missing or malformed variable', () => {
    expect(() => configFromEnv({ API_URL: 'ftp://x', PORT: 'eighty' })).toThrow(
      /API_URL must be an http\(s\) URL, got 'ftp:\/\/x'; ASSETS_BASE_URL is not set; UPLOAD_ORIGIN is not set; API_KEY is not set; PORT must be a port number/);
    expect(configFromEnv({ API_URL: 'https://a/v1', API_KEY: 'k', ASSETS_BASE_URL: 'https://d', UPLOAD_ORIGIN: 'https://b' })).toMatchObject({ port: 8080 });
  });
});

describe('the gallery', () => {
  test('lists cats and hats under a strict Content-Security-Policy, every image described, every field labelled', async () => {
    const { status, headers, text } = await get('/');
    expect(status).toBe(200);
    const csp = headers.get('content-security-policy')!;
    expect(csp.split('; ')).toEqual(expect.arrayContaining([
      "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' http://127.0.0.1:1", "connect-src 'self' http://127.0.0.1:2",
      "form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'",
    ]));
    expect(csp).not.toMatch(/unsafe/);
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(text).toContain(`src="${ASSETS}/originals/cat/cat1"`);
    for (const img of text.match(/<img [^>]*>/g) ?? []) expect(img).toMatch(/ alt="[^"]+"/);
    for (const [, id] of text.matchAll(/<input [^>]*id="([^"]+)"/g)) expect(text).toContain(`<label for="${id}">`);
    expect(text).not.toContain(KEY);
  });

  test('?added=<kind> says so; anything else is ignored', async () => {
    expect((await get('/?added=hat')).text).toContain('Your hat is in the gallery.');
    expect((await get('/?added=%3Cb%3E')).text).not.toMatch(/is in the gallery|<b>/);
  });

  test('serves its static files with the same headers, nothing outside them', async () => {
    const script = await get('/static/gallery.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/text\/javascript/);
    expect(script.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect((await get('/static/..%2f..%2fpackage.json')).status).toBe(404);
    expect((await get('/nowhere')).status).toBe(404);
  });
});

describe('composing', () => {
  test('a new combination is queued (202, with the status URL to poll); the same again is served at once from the cache (200)', async () => {
    const first = await postForm('/compose', { catId: 'cat1', hatId: 'hat1', ...PLACEMENT });
    expect(first.status).toBe(202);
    expect(first.text).toContain('data-status="queued"');
    expect(first.text).toContain('data-status-url="/compositions/khat1/status"');
    const second = await postForm('/compose', { catId: 'cat1', hatId: 'hat1', ...PLACEMENT });
    expect(second.status).toBe(200);
    expect(second.text).toMatch(/data-status="ready" data-answer="200"/);
    expect(second.text).toContain(`<img src="${ASSETS}/results/khat1.png" alt="The cat wearing the hat">`);
    expect(second.text).toContain('Served from the cache at once');
  });

  test("the API's refusal is shown as it said it (escaped), with its status, the choices kept", async () => {
    const { status, text } = await postForm('/compose', { catId: 'gone-cat', hatId: 'hat1', ...PLACEMENT, rotation: '30' });
    expect(status).toBe(404);
    expect(text).toContain('No ready cat &lt;gone-cat&gt;');
    expect(text).toMatch(/role="alert"/);
    expect(text).toMatch(/id="placement-rotation"[^>]* value="30"/);
  });

  test('a form out of range is refused before the API is asked', async () => {
    const { status, text } = await postForm('/compose', { catId: 'cat1', hatId: '../x', ...PLACEMENT, scale: '500' });
    expect(status).toBe(400);
    expect(text).toContain('Choose a hat.');
    expect(text).toContain('Hat width must be a number from 5 to 100.');
  });

  test('a busy API is a 503 with Retry-After and a sentence, not its body', async () => {
    api.failWith = 503;
    const { status, text } = await postForm('/compose', { catId: 'cat1', hatId: 'hat9', ...PLACEMENT });
    expect(status).toBe(503);
    expect(text).toContain('The image service is busy. Please try again in 2 seconds.');
    expect(text).not.toContain('busy<');
  });

  test('a form posted from another site is refused', async () => {
    const { status } = await postForm('/compose', { catId: 'cat1', hatId: 'hat1', ...PLACEMENT }, { 'sec-fetch-site': 'cross-site' });
    expect(status).toBe(403);
  });
});

describe('the upload relay', () => {
  test("passes the API's field issues back as JSON", async () => {
    const res = await fetch(`${frontend.url}/uploads`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'accept': 'application/json' }, body: JSON.stringify({ kind: 'dog', contentType: 'image/png', size: 10 }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ message: 'Invalid body', issues: [{ path: 'kind', message: "'dog' is not cat or hat" }] });
  });

  test('a form without the script gets a page saying uploads need it', async () => {
    const { status, text } = await postForm('/uploads', { file: 'x' });
    expect(status).toBe(415);
    expect(text).toContain('Uploading needs JavaScript');
  });
});

describe('health', () => {
  test('200 while the API answers the gallery with its key; 503 when the key is refused or the API is down', async () => {
    expect(await (await fetch(`${frontend.url}/health`)).json()).toEqual({ status: 'ok', api: 'reachable' });

    const wrongKey = await startFrontend(config({ apiKey: 'not-the-key' }));
    const down = await startFrontend(config({ apiUrl: `http://127.0.0.1:${await closedPort()}/v1`, healthTimeoutMs: 500 }));
    const warned = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const refused = await get('/health', wrongKey);
      expect(refused.status).toBe(503);
      expect(JSON.parse(refused.text)).toEqual({ status: 'unavailable', api: 'answered 403' });
      expect((await get('/health', down)).status).toBe(503);
      // People are told the service is unreachable, not shown an error.
      const page = await get('/', down);
      expect(page.status).toBe(503);
      expect(page.text).toContain('The image service cannot be reached just now.');
      expect(warned).toHaveBeenCalledWith(expect.stringMatching(/could not be reached.*ECONNREFUSED/));
    } finally {
      warned.mockRestore();
      await wrongKey.close();
      await down.close();
    }
  });

  test('problemOf: a refused key is the gallery\'s fault, not the visitor\'s', () => {
    expect(problemOf({ status: 403, body: { message: 'Forbidden' } }).message).toMatch(/refused this gallery's key/);
    expect(problemOf({ status: 422, body: { message: 'Not a PNG', details: [{ path: 'file', message: 'bad magic' }] } }))
      .toEqual({ message: 'Not a PNG', issues: [{ path: 'file', message: 'bad magic' }] });
  });
});
