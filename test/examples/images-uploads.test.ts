import { DynamoDBClient, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { bombJpeg, bombPng, bombWebp, HTML_PAGE, photo, textChunk, withChunkBeforeIend, zipArchive } from './images-fixtures';
import { api, upload } from './images-support';
import { startImagesWorld, type ImagesWorld } from '../../examples/images/local-world';

/**
 * Hostile uploads through the whole path, as a browser posts them: the presigned POST to the
 * originals bucket (s3rver), then `POST /images/{imageId}/complete` on DynamoDB Local and the real
 * sharp. Each is refused with a 422 naming its problem, the object is gone from the bucket, the
 * image from the table, and the gallery never lists it.
 */

let world: ImagesWorld;
let s3: S3Client;
let dynamo: DynamoDBClient;
let png: Buffer;
let jpeg: Buffer;
let webp: Buffer;

beforeAll(async () => {
  world = await startImagesWorld({ useRunningEngines: true, log: false, worker: false });
  const local = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  s3 = new S3Client({ endpoint: world.s3Endpoint, forcePathStyle: true, ...local });
  dynamo = new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT, ...local });
  [png, jpeg, webp] = await Promise.all([photo('png', 120, 90), photo('jpeg', 120, 90), photo('webp', 120, 90)]);
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  dynamo?.destroy();
  await world?.stop();
});

/** Every key below `originals/` in the bucket. */
async function storedKeys(): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: world.buckets.originals, Prefix: 'originals/' }));
  return (out.Contents ?? []).map((o) => o.Key!);
}

async function objectExists(key: string): Promise<boolean> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: world.buckets.originals, Key: key }));
    await out.Body?.transformToByteArray();
    return true;
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') return false;
    throw error;
  }
}

const imageItem = async (imageId: string) =>
  (await dynamo.send(new GetItemCommand({ TableName: world.tableName, Key: { imageId: { S: imageId } }, ConsistentRead: true }))).Item;

const itemCount = async () => (await dynamo.send(new ScanCommand({ TableName: world.tableName, Select: 'COUNT', ConsistentRead: true }))).Count;

const listed = async (kind: 'cat' | 'hat') => ((await api(world, 'GET', `/images?kind=${kind}`)).body.images as { imageId: string }[]).map((i) => i.imageId);

interface Hostile {
  readonly name: string;
  readonly bytes: () => Promise<Buffer> | Buffer;
  /** The content type asked for (and posted with). */
  readonly contentType: string;
  readonly problem: string;
  readonly message: RegExp;
}

const HOSTILE: Hostile[] = [
  { name: 'a JPEG uploaded as a PNG', bytes: () => jpeg, contentType: 'image/png', problem: 'type-mismatch', message: /^The file is a JPEG image but was uploaded as image\/png$/ },
  { name: 'a PNG uploaded as a WebP', bytes: () => png, contentType: 'image/webp', problem: 'type-mismatch', message: /^The file is a PNG image but was uploaded as image\/webp$/ },
  { name: 'an HTML page uploaded as a PNG', bytes: () => Buffer.from(HTML_PAGE), contentType: 'image/png', problem: 'not-an-image', message: /^The file is not a PNG, JPEG or WebP image/ },
  { name: 'a truncated PNG', bytes: () => png.subarray(0, Math.floor(png.length * 0.6)), contentType: 'image/png', problem: 'truncated', message: /^The PNG file is truncated/ },
  { name: 'a truncated JPEG', bytes: () => jpeg.subarray(0, jpeg.length - 40), contentType: 'image/jpeg', problem: 'truncated', message: /^The JPEG file is truncated/ },
  { name: 'a truncated WebP', bytes: () => webp.subarray(0, webp.length - 30), contentType: 'image/webp', problem: 'truncated', message: /^The WEBP file is truncated/ },
  { name: 'a 30000 x 30000 PNG bomb', bytes: () => bombPng(), contentType: 'image/png', problem: 'too-wide', message: /^The image is 30000 x 30000 pixels; at most 4096 x 4096 are allowed$/ },
  { name: 'a 30000 x 30000 JPEG bomb', bytes: () => bombJpeg(), contentType: 'image/jpeg', problem: 'too-wide', message: /^The image is 30000 x 30000 pixels/ },
  { name: 'a 16383 x 16383 WebP bomb', bytes: () => bombWebp(), contentType: 'image/webp', problem: 'too-wide', message: /^The image is 16383 x 16383 pixels/ },
  { name: 'a 4000 x 4000 PNG bomb (each side allowed, too many pixels)', bytes: () => bombPng(4000, 4000), contentType: 'image/png', problem: 'too-many-pixels', message: /^The image has 16000000 pixels; at most 12000000 are allowed$/ },
  { name: 'a PNG + HTML polyglot', bytes: () => Buffer.concat([png, Buffer.from(HTML_PAGE)]), contentType: 'image/png', problem: 'trailing-data', message: new RegExp(`^The PNG file carries ${HTML_PAGE.length} bytes after its end`) },
  { name: 'a PNG + ZIP polyglot', bytes: () => Buffer.concat([png, zipArchive()]), contentType: 'image/png', problem: 'trailing-data', message: /^The PNG file carries \d+ bytes after its end \(another file appended: a polyglot\)$/ },
  { name: 'a JPEG + ZIP polyglot ending in a fake EOI', bytes: () => Buffer.concat([jpeg, zipArchive('a.txt', 'x', Buffer.from([0xff, 0xd9]))]), contentType: 'image/jpeg', problem: 'trailing-data', message: /^The JPEG file carries \d+ bytes after its end/ },
  { name: 'a WebP + HTML polyglot', bytes: () => Buffer.concat([webp, Buffer.from(HTML_PAGE)]), contentType: 'image/webp', problem: 'trailing-data', message: /^The WEBP file carries \d+ bytes after its end/ },
  { name: 'a PNG with a script in a tEXt chunk', bytes: () => withChunkBeforeIend(png, textChunk('Comment', HTML_PAGE)), contentType: 'image/png', problem: 'embedded-markup', message: /^The PNG file carries HTML or script markup/ },
  { name: 'a PNG with an SVG in a tEXt chunk', bytes: () => withChunkBeforeIend(png, textChunk('XML:com.adobe.xmp', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')), contentType: 'image/png', problem: 'embedded-markup', message: /markup/ },
  { name: 'over 5 MiB stored (the local bucket does not apply the POST policy)', bytes: () => Buffer.concat([png, Buffer.alloc(5 * 1024 * 1024)]), contentType: 'image/png', problem: 'too-large', message: /^The file has \d+ bytes; at most 5242880 are allowed$/ },
];

describe('hostile uploads', () => {
  test.each(HOSTILE)('$name: 422 naming the problem; the object deleted, the image forgotten, never listed', async (h) => {
    const kind = 'cat';
    const bytes = await h.bytes();
    const { imageId, uploadStatus } = await upload(world, kind, bytes, h.contentType, { size: Math.min(bytes.length, 5 * 1024 * 1024) });
    expect(uploadStatus).toBe(204);
    const key = `originals/${kind}/${imageId}`;
    expect(await objectExists(key)).toBe(true);

    const res = await api(world, 'POST', `/images/${imageId}/complete`);
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({ error: 'Unprocessable', details: { code: 'InvalidImage', problem: h.problem } });
    expect(res.body.message).toMatch(h.message);
    expect(typeof res.body.requestId).toBe('string');

    expect(await objectExists(key)).toBe(false);
    expect(await storedKeys()).not.toContain(key);
    expect(await imageItem(imageId)).toBeUndefined();
    expect(await listed(kind)).not.toContain(imageId);
    // Nothing is served for it, and completing it again finds no image.
    expect((await fetch(`${world.assetsBaseUrl}/${key}`)).status).toBe(404);
    expect((await api(world, 'POST', `/images/${imageId}/complete`)).status).toBe(404);
  });

  test('after every refusal the bucket holds only the images that were kept', async () => {
    const kept = await (async () => {
      const { imageId } = await upload(world, 'hat', webp, 'image/webp');
      expect((await api(world, 'POST', `/images/${imageId}/complete`)).status).toBe(200);
      return imageId;
    })();
    expect(await storedKeys()).toEqual([`originals/hat/${kept}`]);
    expect(await listed('cat')).toEqual([]);
    expect(await listed('hat')).toEqual([kept]);
  });
});

describe('refused before anything is uploaded', () => {
  test.each([
    ['image/svg+xml', 'content-type', /^contentType: "image\/svg\+xml" is not allowed; one of image\/png, image\/jpeg, image\/webp$/],
    ['text/html', 'content-type', /^contentType: "text\/html" is not allowed/],
  ])('asking to upload %s: 422 %s, nothing recorded', async (contentType, problem, message) => {
    const before = await itemCount();
    const res = await api(world, 'POST', '/uploads', { kind: 'cat', contentType, size: 1000 });
    expect(res.status).toBe(422);
    expect(res.body.details).toMatchObject({ problem, field: 'contentType' });
    expect(res.body.message).toMatch(message);
    expect(await itemCount()).toBe(before);
  });

  test('asking to upload more than 5 MiB: 422 too-large naming the cap, nothing recorded', async () => {
    const before = await itemCount();
    const res = await api(world, 'POST', '/uploads', { kind: 'hat', contentType: 'image/png', size: 5 * 1024 * 1024 + 1 });
    expect(res.status).toBe(422);
    expect(res.body.details).toEqual({ code: 'InvalidImage', problem: 'too-large', field: 'size', maxBytes: 5 * 1024 * 1024 });
    expect(await itemCount()).toBe(before);
  });

  test('completing an upload whose file never arrived: 409 NotUploaded, the image still pending and unlisted', async () => {
    const asked = await api(world, 'POST', '/uploads', { kind: 'cat', contentType: 'image/png', size: 1000 });
    const res = await api(world, 'POST', `/images/${asked.body.imageId}/complete`);
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('NotUploaded');
    expect((await imageItem(asked.body.imageId))?.status?.S).toBe('pending');
    expect(await listed('cat')).not.toContain(asked.body.imageId);
  });
});
