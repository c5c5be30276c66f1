import * as http from 'http';
import type { AddressInfo } from 'net';
import sharp from 'sharp';
import { problemOf } from '../../examples/images/frontend/api';
import { escapeHtml, html } from '../../examples/images/frontend/html';
import { startLocalGallery, type LocalGallery } from '../../examples/images/frontend/local-gallery';
import { compositionPage, galleryPage } from '../../examples/images/frontend/pages';
import { configFromEnv } from '../../examples/images/frontend/server';
import { startImagesWorld, type ImagesWorld } from '../../examples/images/local-world';
import { FaultProxy } from '../support/fault-proxy';

/**
 * The gallery's server as a local process (examples/images/frontend/server.ts) in front of the local
 * world (the API's real handlers on DynamoDB Local, redis-server and s3rver, the compose worker with
 * sharp): its pages, the Content-Security-Policy it sends, how it maps the API's answers, and its
 * health check. Failures are real ones: a TCP fault proxy between the gallery and the API (an API
 * that refuses connections or never answers) and one between the API and DynamoDB Local (the
 * API's own 503 when its table is unreachable).
 */

jest.setTimeout(120_000);

let world: ImagesWorld;
/** Between the world's handlers and DynamoDB Local. */
let table: FaultProxy;
/** Between the gallery and the API. */
let link: FaultProxy;
let frontend: LocalGallery;
let cat: string;
let hat: string;

async function get(route: string, on: { url: string } = frontend): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(`${on.url}${route}`);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

async function postForm(route: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(`${frontend.url}${route}`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** An image uploaded as the page's script does it (presigned POST to s3rver, then complete); answers its id. */
async function uploaded(kind: 'cat' | 'hat', png: Buffer): Promise<string> {
  const call = async (route: string, body?: unknown) => {
    const res = await fetch(`${frontend.url}${route}`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'accept': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = await res.json();
    if (!res.ok) throw new Error(`${route}: ${res.status} ${JSON.stringify(answer)}`);
    return answer;
  };
  const { imageId, upload } = await call('/uploads', { kind, contentType: 'image/png', size: png.length });
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields as Record<string, string>)) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }));
  const stored = await fetch(upload.url, { method: 'POST', body: form });
  if (!stored.ok) throw new Error(`the bucket refused the upload: ${stored.status} ${await stored.text()}`);
  await call(`/images/${imageId}/complete`);
  return imageId;
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
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  // The handlers' DynamoDB client reads DYNAMODB_ENDPOINT when first used: the proxy's, for this file.
  table = await FaultProxy.start(process.env.DYNAMODB_ENDPOINT!);
  process.env.DYNAMODB_ENDPOINT = table.endpoint;
  world = await startImagesWorld({ useRunningEngines: true, log: false });
  link = await FaultProxy.start(new URL(world.apiUrl).origin);
  frontend = await startLocalGallery({ ...world, apiUrl: `${link.endpoint}${new URL(world.apiUrl).pathname}` });
  const solid = (width: number, height: number, r: number) =>
    sharp({ create: { width, height, channels: 4, background: { r, g: 90, b: 40, alpha: 1 } } }).png().toBuffer();
  cat = await uploaded('cat', await solid(64, 48, 220));
  hat = await uploaded('hat', await solid(32, 32, 30));
}, 120_000);

afterEach(() => {
  link.set('pass');
  table.set('pass');
});

afterAll(async () => {
  await frontend?.stop();
  await link?.stop();
  await world?.stop();
  await table?.stop();
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
      "default-src 'none'", "script-src 'self'", "style-src 'self'", `img-src 'self' ${new URL(world.assetsBaseUrl).origin}`,
      `connect-src 'self' ${new URL(world.s3Endpoint).origin}`, "form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'",
    ]));
    expect(csp).not.toMatch(/unsafe/);
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(text).toContain(`src="${world.assetsBaseUrl}/originals/cat/${cat}"`);
    expect(text).toContain(`src="${world.assetsBaseUrl}/originals/hat/${hat}"`);
    for (const img of text.match(/<img [^>]*>/g) ?? []) expect(img).toMatch(/ alt="[^"]+"/);
    for (const [, id] of text.matchAll(/<input [^>]*id="([^"]+)"/g)) expect(text).toContain(`<label for="${id}">`);
    expect(text).not.toContain(world.apiKey);
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
  test('a new combination is queued (202, with the status URL to poll); once composed, the same again is served at once from the cache (200)', async () => {
    const placement = { ...PLACEMENT, rotation: '7' };
    const first = await postForm('/compose', { catId: cat, hatId: hat, ...placement });
    expect(first.status).toBe(202);
    expect(first.text).toContain('data-status="queued"');
    const [, key] = first.text.match(/data-status-url="\/compositions\/([0-9a-f]{64})\/status"/)!;
    await world.settle();
    const status = await fetch(`${frontend.url}/compositions/${key}/status`, { headers: { accept: 'application/json' } });
    expect(await status.json()).toMatchObject({ key, status: 'ready', url: `${world.assetsBaseUrl}/results/${key}.png` });

    const second = await postForm('/compose', { catId: cat, hatId: hat, ...placement });
    expect(second.status).toBe(200);
    expect(second.text).toMatch(/data-status="ready" data-answer="200"/);
    expect(second.text).toContain(`<img src="${world.assetsBaseUrl}/results/${key}.png" alt="The cat wearing the hat">`);
    expect(second.text).toContain('Served from the cache at once');
    // The page of the composition (the link a person keeps) shows it too.
    expect((await get(`/compositions/${key}`)).text).toContain(`/results/${key}.png`);
  });

  test("the API's refusal is shown as it said it (escaped), with its status, the choices kept", async () => {
    const { status, text } = await postForm('/compose', { catId: hat, hatId: hat, ...PLACEMENT, rotation: '30' });
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    const notice = text.match(/<div id="notice" class="notice bad" role="alert"[^>]*>\s*<p>([^<]+)<\/p>/);
    expect(notice?.[1]).toBeTruthy();
    expect(notice![1]).not.toMatch(/refused the request \(\d+\)/); // the API's own words, not a stand-in sentence
    expect(text).toMatch(/id="placement-rotation"[^>]* value="30"/);
  });

  test('a form out of range is refused before the API is asked', async () => {
    const { status, text } = await postForm('/compose', { catId: cat, hatId: '../x', ...PLACEMENT, scale: '500' });
    expect(status).toBe(400);
    expect(text).toContain('Choose a hat.');
    expect(text).toContain('Hat width must be a number from 5 to 200.');
  });

  test("the API's 503 (its table unreachable) is a 503 with Retry-After and a sentence", async () => {
    table.set('refuse');
    const { status, headers, text } = await postForm('/compose', { catId: cat, hatId: hat, ...PLACEMENT, rotation: '-3' });
    expect(status).toBe(503);
    expect(text).toMatch(/The image service is busy. Please try again in \d+ seconds./);
    expect(Number(headers.get('retry-after'))).toBeGreaterThan(0);
  });

  test('a form posted from another site is refused', async () => {
    const { status } = await postForm('/compose', { catId: cat, hatId: hat, ...PLACEMENT }, { 'sec-fetch-site': 'cross-site' });
    expect(status).toBe(403);
  });
});

describe('the upload relay', () => {
  test("passes the API's refusal back as JSON, with its field issues", async () => {
    const res = await fetch(`${frontend.url}/uploads`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'accept': 'application/json' }, body: JSON.stringify({ kind: 'dog', contentType: 'image/png', size: 10 }),
    });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.message).toEqual(expect.any(String));
    expect(body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'kind' })]));
  });

  test('a form without the script gets a page saying uploads need it', async () => {
    const { status, text } = await postForm('/uploads', { file: 'x' });
    expect(status).toBe(415);
    expect(text).toContain('Uploading needs JavaScript');
  });
});

describe('health', () => {
  test('200 while the API answers the gallery with its key; 503 when the API refuses connections, never answers, or refuses the key', async () => {
    expect(await (await fetch(`${frontend.url}/health`)).json()).toEqual({ status: 'ok', api: 'reachable' });
    const warned = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      link.set('refuse');
      expect((await get('/health')).status).toBe(503);
      // People are told the service is unreachable, not shown an error.
      const page = await get('/');
      expect(page.status).toBe(503);
      expect(page.text).toContain('The image service cannot be reached just now.');

      link.set('blackhole');
      const started = Date.now();
      const silent = await get('/health');
      expect(silent.status).toBe(503);
      expect(JSON.parse(silent.text)).toEqual({ status: 'unavailable', api: 'no answer within 2000 ms' });
      expect(Date.now() - started).toBeLessThan(10_000); // a bound on a hang, not a speed goal
      link.set('pass');

      const wrongKey = await startLocalGallery({ ...world, apiKey: 'not-the-key' });
      try {
        expect(JSON.parse((await get('/health', wrongKey)).text)).toEqual({ status: 'unavailable', api: 'answered 403' });
      } finally {
        await wrongKey.stop();
      }
      const nowhere = await startLocalGallery({ ...world, apiUrl: `http://127.0.0.1:${await closedPort()}/v1` });
      try {
        expect((await get('/health', nowhere)).status).toBe(503);
      } finally {
        await nowhere.stop();
      }
      expect(warned).toHaveBeenCalledWith(expect.stringMatching(/The images API could not be reached: .*ECONNRESET/));
    } finally {
      warned.mockRestore();
    }
  });

  test("problemOf: a refused key is the gallery's fault, not the visitor's", () => {
    expect(problemOf({ status: 403, body: { message: 'Forbidden' } }).message).toMatch(/refused this gallery's key/);
    expect(problemOf({ status: 422, body: { message: 'Not a PNG', details: [{ path: 'file', message: 'bad magic' }] } }))
      .toEqual({ message: 'Not a PNG', issues: [{ path: 'file', message: 'bad magic' }] });
  });
});
