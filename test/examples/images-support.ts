import sharp from 'sharp';
import type { ImagesWorld } from '../../examples/images/local-world';

/** What the images tests share: requests to a running world, uploads through presigned POSTs, fixture images. */

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

/** A request to the world's API with its API key; the body as JSON (a string is sent as it is). */
export async function api(world: ImagesWorld, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${world.apiUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-api-key': world.apiKey, ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try { parsed = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** Asks for an upload URL and POSTs `bytes` to it as a browser form would; answers the image id and the bucket's status. */
export async function upload(world: ImagesWorld, kind: 'cat' | 'hat', bytes: Uint8Array, contentType: string, declared: { contentType?: string; size?: number } = {}) {
  const asked = await api(world, 'POST', '/uploads', { kind, contentType: declared.contentType ?? contentType, size: declared.size ?? bytes.byteLength });
  if (asked.status !== 201) throw new Error(`POST /uploads answered ${asked.status}: ${JSON.stringify(asked.body)}`);
  const form = new FormData();
  for (const [k, v] of Object.entries(asked.body.upload.fields as Record<string, string>)) form.append(k, v);
  form.append('file', new Blob([Buffer.from(bytes)], { type: contentType }));
  const posted = await fetch(asked.body.upload.url, { method: 'POST', body: form });
  await posted.arrayBuffer();
  return { imageId: asked.body.imageId as string, uploadStatus: posted.status, asked };
}

/** Uploads and completes; answers the image id (throws unless it became ready). */
export async function readyImage(world: ImagesWorld, kind: 'cat' | 'hat', bytes: Uint8Array, contentType = 'image/png'): Promise<string> {
  const { imageId } = await upload(world, kind, bytes, contentType);
  const done = await api(world, 'POST', `/images/${imageId}/complete`);
  if (done.status !== 200) throw new Error(`complete answered ${done.status}: ${JSON.stringify(done.body)}`);
  return imageId;
}

/** A cat: a warm gradient, `width` x `height`, opaque; `seed` changes its pixels (and so its version). */
export function catPng(width = 96, height = 72, seed = 0): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      raw[i] = 150 + ((x + seed) % 100);
      raw[i + 1] = 80 + (y % 60);
      raw[i + 2] = 40 + (seed % 50);
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

/** A hat: a solid blue square with a transparent border, `size` x `size`. */
export function hatPng(size = 32): Promise<Buffer> {
  const raw = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      const inside = x >= size / 8 && x < size - size / 8 && y >= size / 8 && y < size - size / 8;
      raw.set(inside ? [20, 40, 220, 255] : [0, 0, 0, 0], i);
    }
  }
  return sharp(raw, { raw: { width: size, height: size, channels: 4 } }).png().toBuffer();
}

/** Polls `GET /compositions/{key}` until it is no longer queued (the world's worker composes meanwhile). */
export async function untilComposed(world: ImagesWorld, key: string, timeoutMs = 20_000): Promise<Answer> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await api(world, 'GET', `/compositions/${key}`);
    if (answer.status !== 200 || answer.body.status !== 'queued' || Date.now() > deadline) return answer;
    await new Promise((r) => setTimeout(r, 50));
  }
}
