import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import * as fc from 'fast-check';
import { bodies, type FuzzReport } from './fuzz-support';
import type { ImagesWorld } from '../examples/images/local-world';

/**
 * Random requests for every route of the images example, through its local world's API (the
 * gateway's routing and API key, then the real handlers on DynamoDB Local, redis-server, s3rver
 * and the FIFO queue stand-in): junk and near-valid bodies, junk path parameters and query strings,
 * a missing or wrong API key. Shared by the seeded sample in the test suite (images-fuzz.test.ts)
 * and the long run (`npx projen fuzz --only images`, tools/fuzz.ts).
 *
 * Each answer is checked: never a 5xx; a refusal (4xx) is JSON with a request id and leaves
 * everything as it was (every item of the images table, every Redis key of the world and its value,
 * the queue's messages, both buckets' objects).
 */

/** What the routes need to reach past validation: a ready cat and hat, a pending image, a composition asked for before. */
export interface ImagesFuzzFixtures {
  readonly cat: string;
  readonly hat: string;
  /** Asked for (`POST /uploads`) and never uploaded: completing it is a 409. */
  readonly pending: string;
  /** A composition key Redis knows. */
  readonly key: string;
}

const JUNK_SEGMENTS = ['..', '.', '%2e%2e', '%2F', '%00', '%', '%zz', 'a'.repeat(300), '00000000-0000-4000-8000-00000000000', '💥', ' ', '{imageId}', "'; DROP TABLE images; --"];
const PLACEMENT_JUNK = [-1e308, 1e308, -0, 0.0004999, 180, -180, 1e-320, Number.MAX_SAFE_INTEGER];

/** A path parameter: the valid one, another well-formed one, or junk (percent-encoded, or raw). */
function pathParameter(valid: string[], wellFormed: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...valid) },
    { weight: 2, arbitrary: wellFormed },
    { weight: 2, arbitrary: fc.string({ maxLength: 80 }).map(encodeURIComponent) },
    { weight: 1, arbitrary: fc.constantFrom(...JUNK_SEGMENTS) },
  );
}

/** A query string: the valid one, near-valid ones, or junk. */
const queries = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('kind=cat', 'kind=hat') },
  { weight: 2, arbitrary: fc.constantFrom('', 'kind=', 'kind=dog', 'kind=cat&kind=hat', 'kind=CAT', 'kind=cat&limit=1000', 'kind[]=cat', 'kind=%', 'kind=%zz', '%%%', 'kind=cat%00') },
  {
    weight: 2,
    arbitrary: fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 40 }), { maxKeys: 3 })
      .map((d) => new URLSearchParams(d).toString()),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 100 }).map(encodeURI) },
);

/** A placement with each number kept, replaced by an edge value or by junk. */
const placements = fc.record({
  x: fc.oneof(fc.double(), fc.constantFrom(...PLACEMENT_JUNK), fc.constantFrom<unknown>('0.5', null, true, [], {})),
  y: fc.oneof(fc.double({ min: 0, max: 1 }), fc.constantFrom(...PLACEMENT_JUNK)),
  scale: fc.oneof(fc.double({ min: -3, max: 3 }), fc.constantFrom(...PLACEMENT_JUNK), fc.constant<unknown>('1')),
  rotation: fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.double(), fc.constantFrom(...PLACEMENT_JUNK)),
}, { requiredKeys: [] });

/** The API key: usually the world's, sometimes none or another. */
const apiKeys = (valid: string) => fc.oneof(
  { weight: 8, arbitrary: fc.constant<string | undefined>(valid) },
  { weight: 1, arbitrary: fc.constant<string | undefined>(undefined) },
  { weight: 1, arbitrary: fc.constantFrom<string | undefined>('wrong', `${valid} `, valid.toUpperCase()) },
);

interface Request {
  readonly method: string;
  readonly path: string;
  readonly body?: string;
}

interface Route {
  readonly name: string;
  readonly requests: fc.Arbitrary<Request>;
}

/** Every route of the example, each with its requests. */
export function imagesRoutes(f: ImagesFuzzFixtures): Route[] {
  const uuid = fc.uuid({ version: 4 });
  const imageIds = pathParameter([f.cat, f.hat, f.pending], uuid);
  const keys = pathParameter([f.key], fc.stringMatching(/^[0-9a-f]{64}$/));
  const compositionBodies = fc.oneof(
    { weight: 2, arbitrary: bodies({ catId: f.cat, hatId: f.hat, placement: { x: 0.5, y: 0.4, scale: 0.5, rotation: 0 } }) },
    {
      weight: 2,
      arbitrary: fc.record({ catId: fc.constantFrom<unknown>(f.cat, f.hat, f.pending), hatId: fc.constantFrom<unknown>(f.hat, f.cat, f.pending, 'hat'), placement: placements })
        .map((b) => JSON.stringify(b)),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        x: fc.double({ noNaN: true, noDefaultInfinity: true }),
        y: fc.double({ min: -1, max: 2, noNaN: true }),
        scale: fc.double({ min: -1, max: 3, noNaN: true }),
        rotation: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      })
        .map((placement) => JSON.stringify({ catId: f.cat, hatId: f.hat, placement })),
    },
  );
  const uploadBodies = fc.oneof(
    { weight: 2, arbitrary: bodies({ kind: 'cat', contentType: 'image/png', size: 1000 }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constantFrom('cat', 'hat', 'dog', 'CAT'),
        contentType: fc.constantFrom('image/png', 'image/jpeg', 'image/webp', 'image/svg+xml', 'text/html', 'image/png ', 'IMAGE/PNG', 'image/gif'),
        size: fc.oneof(fc.integer({ min: -1, max: 6 * 1024 * 1024 }), fc.constantFrom(5 * 1024 * 1024, 5 * 1024 * 1024 + 1, 2 ** 53, 1.5)),
      }).map((b) => JSON.stringify(b)),
    },
  );
  return [
    { name: 'POST /uploads', requests: uploadBodies.map((body) => ({ method: 'POST', path: '/uploads', body })) },
    {
      name: 'POST /images/{imageId}/complete',
      requests: fc.tuple(imageIds, fc.oneof({ weight: 3, arbitrary: fc.constant<string | undefined>(undefined) }, bodies({})))
        .map(([id, body]) => ({ method: 'POST', path: `/images/${id}/complete`, body })),
    },
    { name: 'GET /images', requests: queries.map((q) => ({ method: 'GET', path: `/images${q ? `?${q}` : ''}` })) },
    { name: 'POST /compositions', requests: compositionBodies.map((body) => ({ method: 'POST', path: '/compositions', body })) },
    { name: 'GET /compositions/{key}', requests: fc.tuple(keys, fc.option(queries, { nil: undefined })).map(([key, q]) => ({ method: 'GET', path: `/compositions/${key}${q ? `?${q}` : ''}` })) },
  ];
}

const LOCAL = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

/** Everything the world holds, as one text: a refusal must leave it unchanged. */
export function stateReader(world: ImagesWorld): { read(): Promise<string>; close(): void } {
  const dynamo = new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT, ...LOCAL });
  const s3 = new S3Client({ endpoint: world.s3Endpoint, forcePathStyle: true, ...LOCAL });
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the handlers' own connection, loaded with them
  const clients = require('../examples/images/storage/clients') as typeof import('../examples/images/storage/clients');
  const prefix = process.env.IMAGES_CACHE_PREFIX ?? '';
  const listed = async (bucket: string) => ((await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => `${o.Key}:${o.ETag}`).sort();
  return {
    async read() {
      const redis = await clients.redisClient();
      const keys: string[] = [];
      for await (const batch of redis.scanStream({ match: `${prefix}*`, count: 1000 })) keys.push(...batch as string[]);
      keys.sort();
      const values = keys.length > 0 ? await redis.mget(...keys) : [];
      const [items, originals, results] = await Promise.all([
        dynamo.send(new ScanCommand({ TableName: world.tableName, ConsistentRead: true }))
          .then((o) => (o.Items ?? []).map((i) => JSON.stringify(i)).sort()),
        listed(world.buckets.originals),
        listed(world.buckets.results),
      ]);
      return JSON.stringify([items, keys, values, world.queue.aws.bodies(world.queue.name), originals, results]);
    },
    close() {
      dynamo.destroy();
      s3.destroy();
    },
  };
}

/**
 * Throws `runs` random requests (seeded) at one route and counts what came back; never throws on a
 * bad answer (the caller asserts on the report), so a long run reports every count.
 */
export async function fuzzImagesRoute(
  world: ImagesWorld, route: Route, runs: number, seed: number, state: { read(): Promise<string> },
): Promise<FuzzReport> {
  const statuses: Record<number, number> = {};
  let serverErrors = 0;
  let writesOnRefusal = 0;
  let malformedAnswers = 0;
  await fc.assert(fc.asyncProperty(route.requests, apiKeys(world.apiKey), async (request, apiKey) => {
    const before = await state.read();
    const res = await fetch(`${world.apiUrl}${request.path}`, {
      method: request.method,
      headers: { 'content-type': 'application/json', ...(apiKey === undefined ? {} : { 'x-api-key': apiKey }) },
      body: request.body,
    });
    const text = await res.text();
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    if (res.status >= 500) serverErrors++;
    if (res.status >= 400 && res.status < 500) {
      if ((await state.read()) !== before) writesOnRefusal++;
      try {
        if (typeof JSON.parse(text).requestId !== 'string') malformedAnswers++;
      } catch {
        malformedAnswers++;
      }
    }
  }), { numRuns: runs, seed });
  return { route: `${route.name} (images)`, runs, statuses, serverErrors, writesOnRefusal, malformedAnswers };
}

/** The fixtures on a running world: a ready cat and hat (tiny PNGs), a pending upload, a composition asked for. */
export async function imagesFuzzFixtures(world: ImagesWorld, png: (kind: 'cat' | 'hat') => Promise<Uint8Array>): Promise<ImagesFuzzFixtures> {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${world.apiUrl}${path}`, { method, headers: { 'content-type': 'application/json', 'x-api-key': world.apiKey }, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = await res.json() as any;
    if (res.status >= 300) throw new Error(`setup: ${method} ${path} answered ${res.status}: ${JSON.stringify(json)}`);
    return json;
  };
  const ready = async (kind: 'cat' | 'hat') => {
    const bytes = await png(kind);
    const asked = await call('POST', '/uploads', { kind, contentType: 'image/png', size: bytes.byteLength });
    const form = new FormData();
    for (const [k, v] of Object.entries(asked.upload.fields as Record<string, string>)) form.append(k, v);
    form.append('file', new Blob([Buffer.from(bytes)], { type: 'image/png' }));
    await (await fetch(asked.upload.url, { method: 'POST', body: form })).arrayBuffer();
    await call('POST', `/images/${asked.imageId}/complete`);
    return asked.imageId as string;
  };
  const [cat, hat] = [await ready('cat'), await ready('hat')];
  const pending = (await call('POST', '/uploads', { kind: 'hat', contentType: 'image/webp', size: 100 })).imageId as string;
  const key = (await call('POST', '/compositions', { catId: cat, hatId: hat, placement: { x: 0.5, y: 0.5, scale: 0.5, rotation: 0 } })).key as string;
  return { cat, hat, pending, key };
}
