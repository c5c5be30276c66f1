import { apiGatewayEvent, lambdaContext } from '@cdk-rampart/lambda-kit/testing';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import * as fc from 'fast-check';
import { CATALOG_CONTENT_TYPES, planCatalogUpload, UPLOAD_URL_MINUTES } from '../../examples/rewards/domain/catalog-uploads';
import { Refusal } from '../../examples/rewards/domain/errors';
import { REWARDS_ENV } from '../../examples/rewards/domain/settings';
import { handler } from '../../examples/rewards/handlers/post-catalog-upload';
import { REWARDS_SYSTEM } from '../../examples/rewards/system';

/**
 * Merchants' catalog uploads: the pure rule (which key a merchant may write, with which content
 * type) and the route, whose presigned URL is made locally (signing calls nothing).
 */

const MERCHANT = 'merchant-7f3a';
const route = REWARDS_SYSTEM.routes.catalogUpload;
const context: Context = lambdaContext({ functionName: 'rewards', requestId: 'lambda-request', timeoutMs: 60_000 });
const saved = { ...process.env };

beforeAll(() => {
  process.env[REWARDS_ENV.CATALOG_BUCKET] = 'rewards-catalogs-test';
  process.env.AWS_REGION = 'eu-west-1';
  process.env.AWS_ACCESS_KEY_ID = 'AKIDLOCALTEST';
  process.env.AWS_SECRET_ACCESS_KEY = 'local-test-secret';
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
});
afterAll(() => {
  process.env = saved;
});

async function call(claims: Record<string, unknown>, body: unknown): Promise<{ status: number; body: any }> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const event = apiGatewayEvent({ method: route.method, resource: route.path, claims, body: raw, headers: { 'content-type': 'application/json' } });
  const res = await (handler as unknown as (e: unknown, c: Context) => Promise<APIGatewayProxyResult>)(event, context);
  return { status: res.statusCode, body: JSON.parse(res.body) };
}

const refusalOf = (f: () => unknown): Refusal => {
  try {
    f();
  } catch (e) {
    if (e instanceof Refusal) return e;
    throw e;
  }
  throw new Error('not refused');
};

describe('planCatalogUpload', () => {
  test('a path in the merchant\'s catalog becomes a key under catalogs/<merchant id>/', () => {
    expect(planCatalogUpload(MERCHANT, { path: 'images/mug.png', contentType: 'image/png' })).toEqual({ key: `catalogs/${MERCHANT}/images/mug.png`, contentType: 'image/png' });
    expect(planCatalogUpload(MERCHANT, { path: `catalogs/${MERCHANT}/index.json`, contentType: 'application/json' }).key).toBe(`catalogs/${MERCHANT}/index.json`);
    expect(planCatalogUpload(MERCHANT, { path: 'Photo.JPEG', contentType: 'image/jpeg' }).key).toBe(`catalogs/${MERCHANT}/Photo.JPEG`);
  });

  test.each(['../other/x.png', 'a/../../x.png', './x.png', '/x.png', 'a//x.png', 'a\\\\..\\\\x.png', '%2e%2e/x.png', '.hidden.png', 'a/', ''])('traversal or a malformed path %p is refused, naming path', (path) => {
    const r = refusalOf(() => planCatalogUpload(MERCHANT, { path, contentType: 'image/png' }));
    expect(r.kind).toBe('rule');
    expect(r.details).toEqual({ field: 'path' });
  });

  test('another merchant\'s prefix is forbidden, naming path', () => {
    const r = refusalOf(() => planCatalogUpload(MERCHANT, { path: 'catalogs/merchant-other/x.png', contentType: 'image/png' }));
    expect(r.kind).toBe('forbidden');
    expect(r.details).toEqual({ field: 'path' });
  });

  test.each(['text/html', 'image/svg+xml', 'application/javascript', 'IMAGE/PNG'])('content type %p is refused, naming contentType', (contentType) => {
    expect(refusalOf(() => planCatalogUpload(MERCHANT, { path: 'x.png', contentType })).details).toEqual({ field: 'contentType' });
  });

  test('a file name ending that does not match the content type is refused, naming path', () => {
    expect(refusalOf(() => planCatalogUpload(MERCHANT, { path: 'page.html', contentType: 'image/png' })).details).toEqual({ field: 'path' });
    expect(refusalOf(() => planCatalogUpload(MERCHANT, { path: '.png', contentType: 'image/png' })).details).toEqual({ field: 'path' });
  });

  test('whatever the path, an accepted key stays under the merchant\'s prefix with no traversal segment (seeded sample)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), fc.constantFrom(...Object.keys(CATALOG_CONTENT_TYPES), 'text/html'), (path, contentType) => {
      try {
        const { key } = planCatalogUpload(MERCHANT, { path, contentType });
        expect(key.startsWith(`catalogs/${MERCHANT}/`)).toBe(true);
        expect(key.split('/').some((s) => s === '' || s === '.' || s === '..')).toBe(false);
      } catch (e) {
        expect(e).toBeInstanceOf(Refusal);
      }
    }), { seed: 19, numRuns: 2000 });
  });
});

describe(`${route.method} ${route.path}`, () => {
  test('a merchant gets a presigned PUT URL for its own key and content type, valid a few minutes', async () => {
    const res = await call({ 'sub': MERCHANT, 'cognito:groups': 'merchant' }, { path: 'images/mug.png', contentType: 'image/png' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ method: 'PUT', key: `catalogs/${MERCHANT}/images/mug.png`, headers: { 'content-type': 'image/png' } });
    const url = new URL(res.body.url);
    expect(url.protocol).toBe('https:');
    expect(`${url.host}${url.pathname}`).toMatch(new RegExp(`rewards-catalogs-test.*/catalogs/${MERCHANT}/images/mug\\.png$`));
    expect(url.searchParams.get('X-Amz-Expires')).toBe(String(UPLOAD_URL_MINUTES * 60));
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toContain('content-type');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  test('without a catalog bucket (the local run) the route answers 501 JSON saying so, not a 500', async () => {
    const bucket = process.env[REWARDS_ENV.CATALOG_BUCKET];
    delete process.env[REWARDS_ENV.CATALOG_BUCKET];
    try {
      const res = await call({ 'sub': MERCHANT, 'cognito:groups': 'merchant' }, { path: 'images/mug.png', contentType: 'image/png' });
      expect(res.status).toBe(501);
      expect(JSON.stringify(res.body)).toMatch(/REWARDS_CATALOG_BUCKET/);
      expect(res.body.url).toBeUndefined();
    } finally {
      process.env[REWARDS_ENV.CATALOG_BUCKET] = bucket;
    }
  });

  test.each(['civilian', 'officer', 'charity', 'family', 'admin'])('a %s is refused with 403 JSON', async (group) => {
    const res = await call({ 'sub': 'someone', 'cognito:groups': group }, { path: 'x.png', contentType: 'image/png' });
    expect(res.status).toBe(403);
    expect(res.body.url).toBeUndefined();
  });

  test('traversal, another merchant\'s prefix and a disallowed type are refused with a 4xx naming the field', async () => {
    const merchant = { 'sub': MERCHANT, 'cognito:groups': 'merchant' };
    const traversal = await call(merchant, { path: '../x/a.png', contentType: 'image/png' });
    expect(traversal.status).toBe(422);
    expect(JSON.stringify(traversal.body)).toMatch(/path/);
    const other = await call(merchant, { path: 'catalogs/someone-else/a.png', contentType: 'image/png' });
    expect(other.status).toBe(403);
    expect(JSON.stringify(other.body)).toMatch(/path/);
    const type = await call(merchant, { path: 'a.html', contentType: 'text/html' });
    expect(type.status).toBe(422);
    expect(JSON.stringify(type.body)).toMatch(/contentType/);
  });

  test('malformed bodies are refused with 4xx JSON naming the field (seeded sample)', async () => {
    const merchant = { 'sub': MERCHANT, 'cognito:groups': 'merchant' };
    const missing = await call(merchant, { path: 'a.png' });
    expect(missing.status).toBeGreaterThanOrEqual(400);
    expect(missing.status).toBeLessThan(500);
    expect(JSON.stringify(missing.body)).toMatch(/contentType/);
    await fc.assert(fc.asyncProperty(fc.oneof(fc.json(), fc.string()), async (body) => {
      const res = await call(merchant, body);
      expect(res.status).toBeLessThan(500);
      if (res.status !== 201) expect(res.body.url).toBeUndefined();
    }), { seed: 19, numRuns: 300 });
  });
});
