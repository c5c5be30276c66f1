import sharp from 'sharp';
import { api, catPng, hatPng, readyImage, untilComposed, upload } from './images-support';
import { startImagesWorld, type ImagesWorld } from '../../examples/images/local-world';

/**
 * The compositor's routes and its worker through the local world: real DynamoDB Local,
 * redis-server, s3rver and sharp; uploads posted to the presigned POSTs as a browser posts them.
 */

let world: ImagesWorld;
let cat: string;
let hat: string;

beforeAll(async () => {
  world = await startImagesWorld({ useRunningEngines: true, log: false });
  [cat, hat] = await Promise.all([readyImage(world, 'cat', await catPng()), readyImage(world, 'hat', await hatPng())]);
}, 60_000);
afterAll(() => world?.stop());

describe('uploads and the gallery', () => {
  test('an upload is listed once completed, and served below the assets URL as uploaded', async () => {
    const bytes = await catPng(40, 30, 7);
    const { imageId, uploadStatus } = await upload(world, 'cat', bytes, 'image/png');
    expect(uploadStatus).toBe(204);
    const before = await api(world, 'GET', '/images?kind=cat');
    expect(before.body.images.map((i: any) => i.imageId)).not.toContain(imageId);

    const done = await api(world, 'POST', `/images/${imageId}/complete`);
    expect(done.status).toBe(200);
    expect(done.body.image).toEqual({ imageId, kind: 'cat', width: 40, height: 30, url: `${world.assetsBaseUrl}/originals/cat/${imageId}` });
    const served = await fetch(done.body.image.url);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);

    const cats = await api(world, 'GET', '/images?kind=cat');
    expect(cats.body.images.map((i: any) => i.imageId)).toContain(imageId);
    const hats = await api(world, 'GET', '/images?kind=hat');
    expect(hats.body.images.map((i: any) => i.imageId)).toEqual([hat]);
    // Completing again answers the same image.
    expect((await api(world, 'POST', `/images/${imageId}/complete`)).body).toEqual(done.body);
  });

  test('the presigned POST is signed for the key, the content type and the size cap', async () => {
    const asked = await api(world, 'POST', '/uploads', { kind: 'hat', contentType: 'image/webp', size: 1000 });
    expect(asked.status).toBe(201);
    const { fields, url } = asked.body.upload;
    expect(url).toBe(`${world.s3Endpoint}/${world.buckets.originals}`);
    expect(fields.key).toBe(`originals/hat/${asked.body.imageId}`);
    const policy = JSON.parse(Buffer.from(fields.Policy, 'base64').toString('utf8'));
    expect(policy.conditions).toEqual(expect.arrayContaining([
      ['content-length-range', 1, 5 * 1024 * 1024],
      ['eq', '$Content-Type', 'image/webp'],
      { key: `originals/hat/${asked.body.imageId}` },
      { bucket: world.buckets.originals },
    ]));
    expect(Date.parse(policy.expiration) - Date.now()).toBeLessThanOrEqual(5 * 60_000 + 1000);
  });

  test('a browser on another origin may POST the upload (CORS)', async () => {
    const res = await fetch(`${world.s3Endpoint}/${world.buckets.originals}`, {
      method: 'OPTIONS',
      headers: { 'origin': 'http://127.0.0.1:5999', 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
  });

  test('the gallery needs a kind', async () => {
    expect((await api(world, 'GET', '/images')).status).toBe(400);
    expect((await api(world, 'GET', '/images?kind=dog')).status).toBe(400);
  });

  test('every route needs the API key', async () => {
    expect((await api(world, 'GET', '/images?kind=cat', undefined, { 'x-api-key': 'wrong' })).status).toBe(403);
  });
});

describe('compositions', () => {
  const placement = { x: 0.5, y: 0.3, scale: 0.4, rotation: 15 };

  test('a miss is queued and composed; the same request again is a hit with the same key and URL', async () => {
    const first = await api(world, 'POST', '/compositions', { catId: cat, hatId: hat, placement });
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ key: expect.stringMatching(/^[0-9a-f]{64}$/), status: 'queued', statusUrl: `/compositions/${first.body.key}` });

    const status = await untilComposed(world, first.body.key);
    expect(status.body).toEqual({ key: first.body.key, status: 'ready', url: `${world.assetsBaseUrl}/results/${first.body.key}.png` });

    const again = await api(world, 'POST', '/compositions', { catId: cat, hatId: hat, placement });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ key: first.body.key, status: 'ready', url: status.body.url });
  });

  test('the result is the cat with the hat where the placement puts it', async () => {
    const where = { x: 0.25, y: 0.5, scale: 0.3, rotation: 0 };
    const queued = await api(world, 'POST', '/compositions', { catId: cat, hatId: hat, placement: where });
    const ready = await untilComposed(world, queued.body.key);
    const png = Buffer.from(await (await fetch(ready.body.url)).arrayBuffer());
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([96, 72]);
    const pixel = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
    // The hat's blue at its centre (x 0.25, y 0.5); the cat's gradient far from it.
    expect(pixel(24, 36)).toEqual([20, 40, 220]);
    expect(pixel(80, 10)).toEqual([230, 90, 40]);
  });

  test('placements that round alike share a key; others do not', async () => {
    const post = (p: object) => api(world, 'POST', '/compositions', { catId: cat, hatId: hat, placement: p });
    const a = await post({ x: 0.6, y: 0.4, scale: 0.5, rotation: 10 });
    const b = await post({ x: 0.6002, y: 0.3999, scale: 0.50004, rotation: 370.2 });
    const c = await post({ x: 0.61, y: 0.4, scale: 0.5, rotation: 10 });
    expect(b.body.key).toBe(a.body.key);
    expect(c.body.key).not.toBe(a.body.key);
    await untilComposed(world, c.body.key);
  });

  test('unknown, unready and misused images are refused and nothing is queued', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const post = (body: object) => api(world, 'POST', '/compositions', { placement, ...body });
    const unknown = await post({ catId: missing, hatId: hat });
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toMatch(/catId/);
    const swapped = await post({ catId: hat, hatId: cat });
    expect(swapped.status).toBe(422);
    expect(swapped.body.details).toMatchObject({ problem: 'wrong-kind', field: 'catId' });
    const { imageId: pending } = await upload(world, 'hat', await hatPng(16), 'image/png');
    const notReady = await post({ catId: cat, hatId: pending });
    expect(notReady.status).toBe(409);
    expect(notReady.body.error).toBe('ImageNotReady');
  });

  test('the status of a key never asked for is a 404; a malformed key a 400', async () => {
    expect((await api(world, 'GET', `/compositions/${'a'.repeat(64)}`)).status).toBe(404);
    expect((await api(world, 'GET', '/compositions/not-a-key')).status).toBe(400);
  });
});
