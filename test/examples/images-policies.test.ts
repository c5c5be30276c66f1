import * as fc from 'fast-check';
import { bombJpeg, bombPng, bombWebp, HTML_PAGE, photo, textChunk, withChunkBeforeIend, zipArchive } from './images-fixtures';
import { Refusal } from '../../examples/images/domain/errors';
import { CompositionRequest, Placement, UploadRequest } from '../../examples/images/domain/model';
import { compositionKey, normalisePlacement } from '../../examples/images/domain/placement';
import { UPLOAD_LIMITS } from '../../examples/images/domain/settings';
import { containerProblem, dimensionProblem, inspectUpload, originalKey, planUpload, sniffFormat, type ImageProbe } from '../../examples/images/domain/upload-policy';
import { sharpProbe } from '../../examples/images/storage/sharp-codec';

/**
 * The images domain's policies as plain functions: placement normalisation, composition keys and
 * the upload checks, no engine (`RAMPART_ENGINES=none`). The upload checks run on real files of
 * each format (encoded by sharp) broken byte by byte, and with sharp as the decoder port.
 */

const V1 = 'a'.repeat(64);
const V2 = 'b'.repeat(64);
const anyPlacement = fc.record({
  x: fc.double({ min: -10, max: 10, noNaN: true }),
  y: fc.double({ min: -10, max: 10, noNaN: true }),
  scale: fc.double({ min: -5, max: 5, noNaN: true }),
  rotation: fc.double({ min: -10_000, max: 10_000, noNaN: true }),
});

describe('placement normalisation', () => {
  test('x and y are clamped to [0, 1], scale to [0.05, 2], and rounded to 3 decimals', () => {
    expect(normalisePlacement({ x: -0.3, y: 1.7, scale: 0.01, rotation: 0 })).toEqual({ x: 0, y: 1, scale: 0.05, rotation: 0 });
    expect(normalisePlacement({ x: 0.12345, y: 0.9994999, scale: 9, rotation: 0 })).toEqual({ x: 0.123, y: 0.999, scale: 2, rotation: 0 });
  });

  test('half rounds away from zero on the decimal value, despite binary fractions', () => {
    // 0.0005, 0.1235 and 1.0005 are a hair below their decimal value in binary.
    expect(normalisePlacement({ x: 0.0005, y: 0.1235, scale: 1.0005, rotation: 0 })).toEqual({ x: 0.001, y: 0.124, scale: 1.001, rotation: 0 });
    expect(normalisePlacement({ x: 0.00049, y: 0.12349, scale: 1.00049, rotation: 0 })).toEqual({ x: 0, y: 0.123, scale: 1, rotation: 0 });
  });

  test('rotation is a whole degree within [-180, 180): 180 is -180, 370.2 is 10, -181 is 179', () => {
    const r = (rotation: number) => normalisePlacement({ x: 0.5, y: 0.5, scale: 1, rotation }).rotation;
    expect([r(180), r(-180), r(370.2), r(-181), r(179.5), r(-180.5), r(720), r(-0.4), r(359.6)]).toEqual([-180, -180, 10, 179, -180, -180, 0, 0, 0]);
  });

  test('never -0', () => {
    const p = normalisePlacement({ x: -0, y: -0.0001, scale: 1, rotation: -0.4 });
    expect([Object.is(p.x, -0), Object.is(p.y, -0), Object.is(p.rotation, -0)]).toEqual([false, false, false]);
  });

  test('any placement: within the limits, on the grid, and normalising again changes nothing', () => {
    fc.assert(fc.property(anyPlacement, (placement) => {
      const p = normalisePlacement(placement);
      expect(p.x).toBeGreaterThanOrEqual(0);
      expect(p.x).toBeLessThanOrEqual(1);
      expect(p.scale).toBeGreaterThanOrEqual(0.05);
      expect(p.scale).toBeLessThanOrEqual(2);
      expect(p.rotation).toBeGreaterThanOrEqual(-180);
      expect(p.rotation).toBeLessThan(180);
      expect(Number.isInteger(p.rotation)).toBe(true);
      for (const v of [p.x, p.y, p.scale]) expect(Math.abs(Math.round(v * 1000) - v * 1000)).toBeLessThan(1e-9);
      expect(normalisePlacement(p)).toEqual(p);
    }), { seed: 14, numRuns: 500 });
  });

  test('the schema takes finite numbers only, and no other field', () => {
    expect(Placement.safeParse({ x: 0.5, y: 0.5, scale: 1, rotation: 0 }).success).toBe(true);
    // JSON cannot carry NaN, but 1e309 parses as Infinity.
    expect(Placement.safeParse(JSON.parse('{"x":1e309,"y":0.5,"scale":1,"rotation":0}')).success).toBe(false);
    expect(Placement.safeParse({ x: 0.5, y: 0.5, scale: 1, rotation: 0, opacity: 1 }).success).toBe(false);
    expect(Placement.safeParse({ x: '0.5', y: 0.5, scale: 1, rotation: 0 }).success).toBe(false);
    expect(CompositionRequest.safeParse({ catId: 'cat', hatId: '00000000-0000-4000-8000-000000000000', placement: { x: 0, y: 0, scale: 1, rotation: 0 } }).success).toBe(false);
  });
});

describe('composition keys', () => {
  const p = { x: 0.5, y: 0.3, scale: 0.4, rotation: 15 };

  test('64 hex digits, the same for the same cat, hat and placement', () => {
    expect(compositionKey(V1, V2, p)).toMatch(/^[0-9a-f]{64}$/);
    expect(compositionKey(V1, V2, p)).toBe(compositionKey(V1, V2, { ...p }));
  });

  test('placements that normalise alike share a key; any placement normalises to its own key', () => {
    expect(compositionKey(V1, V2, { x: 0.5002, y: 0.2999, scale: 0.40004, rotation: 375.2 })).toBe(compositionKey(V1, V2, p));
    fc.assert(fc.property(anyPlacement, (placement) => {
      expect(compositionKey(V1, V2, placement)).toBe(compositionKey(V1, V2, normalisePlacement(placement)));
    }), { seed: 14, numRuns: 500 });
  });

  test('another cat, another hat, the two swapped, or a placement a step off the grid: another key', () => {
    const key = compositionKey(V1, V2, p);
    const others = [
      compositionKey('c'.repeat(64), V2, p),
      compositionKey(V1, 'c'.repeat(64), p),
      compositionKey(V2, V1, p),
      compositionKey(V1, V2, { ...p, x: 0.501 }),
      compositionKey(V1, V2, { ...p, y: 0.301 }),
      compositionKey(V1, V2, { ...p, scale: 0.401 }),
      compositionKey(V1, V2, { ...p, rotation: 16 }),
    ];
    expect(new Set([key, ...others]).size).toBe(others.length + 1);
  });

  test('distinct normalised placements never share a key', () => {
    fc.assert(fc.property(anyPlacement, anyPlacement, (a, b) => {
      const same = JSON.stringify(normalisePlacement(a)) === JSON.stringify(normalisePlacement(b));
      expect(compositionKey(V1, V2, a) === compositionKey(V1, V2, b)).toBe(same);
    }), { seed: 14, numRuns: 500 });
  });
});

const refusalOf = async (run: () => unknown): Promise<Refusal> => {
  try {
    await run();
  } catch (error) {
    if (error instanceof Refusal) return error;
    throw error;
  }
  throw new Error('not refused');
};
const problemOf = async (run: () => unknown) => ((await refusalOf(run)).details as { problem: string }).problem;

describe('asking for an upload URL', () => {
  const id = '00000000-0000-4000-8000-000000000001';

  test('PNG, JPEG and WebP up to 5 MiB: the key below originals/<kind>/ and the cap for the POST policy', () => {
    for (const contentType of ['image/png', 'image/jpeg', 'image/webp']) {
      expect(planUpload(id, { kind: 'hat', contentType, size: UPLOAD_LIMITS.maxBytes })).toEqual({ key: `originals/hat/${id}`, contentType, maxBytes: 5 * 1024 * 1024 });
    }
    expect(originalKey('cat', id)).toBe(`originals/cat/${id}`);
  });

  test.each([
    'image/svg+xml', 'text/html', 'image/gif', 'image/PNG', 'image/png; charset=utf-8', ' image/png', 'application/octet-stream', '__proto__', 'toString',
  ])('the content type %p is refused, naming the field and the allowed types', async (contentType) => {
    const refusal = await refusalOf(() => planUpload(id, { kind: 'cat', contentType, size: 10 }));
    expect(refusal.kind).toBe('rule');
    expect(refusal.details).toMatchObject({ problem: 'content-type', field: 'contentType' });
    expect(refusal.message).toMatch(/^contentType: .* is not allowed; one of image\/png, image\/jpeg, image\/webp$/);
  });

  test('one byte over 5 MiB is refused, naming the field and the cap', async () => {
    const refusal = await refusalOf(() => planUpload(id, { kind: 'cat', contentType: 'image/png', size: UPLOAD_LIMITS.maxBytes + 1 }));
    expect(refusal.details).toEqual({ problem: 'too-large', field: 'size', maxBytes: UPLOAD_LIMITS.maxBytes });
    expect(refusal.message).toBe(`size: ${UPLOAD_LIMITS.maxBytes + 1} bytes is over the ${UPLOAD_LIMITS.maxBytes} bytes an image may have`);
  });

  test('the schema: a kind of cat or hat, a positive whole size, nothing else', () => {
    const ok = { kind: 'cat', contentType: 'image/png', size: 10 };
    expect(UploadRequest.safeParse(ok).success).toBe(true);
    for (const bad of [{ ...ok, kind: 'dog' }, { ...ok, size: 0 }, { ...ok, size: 1.5 }, { ...ok, size: -1 }, { ...ok, contentType: '' }, { ...ok, contentType: 'x'.repeat(101) }, { ...ok, url: 'http://x' }]) {
      expect(UploadRequest.safeParse(bad).success).toBe(false);
    }
  });
});

describe('the stored upload', () => {
  let png: Buffer;
  let jpeg: Buffer;
  let webp: Buffer;
  beforeAll(async () => {
    [png, jpeg, webp] = await Promise.all([photo('png'), photo('jpeg'), photo('webp')]);
  });

  /** A decoder port that records what it was asked, answering as sharp does. */
  function recordingProbe(): ImageProbe & { calls: string[] } {
    const calls: string[] = [];
    return {
      calls,
      probe: (bytes) => { calls.push('probe'); return sharpProbe.probe(bytes); },
      decode: (bytes, maxPixels) => { calls.push('decode'); return sharpProbe.decode(bytes, maxPixels); },
    };
  }

  test('a PNG, a JPEG and a WebP of their declared types are kept, with their dimensions', async () => {
    await expect(inspectUpload(png, 'image/png', sharpProbe)).resolves.toEqual({ format: 'png', width: 64, height: 48 });
    await expect(inspectUpload(jpeg, 'image/jpeg', sharpProbe)).resolves.toEqual({ format: 'jpeg', width: 64, height: 48 });
    await expect(inspectUpload(webp, 'image/webp', sharpProbe)).resolves.toEqual({ format: 'webp', width: 64, height: 48 });
  });

  test('the format by its magic bytes', () => {
    expect([sniffFormat(png), sniffFormat(jpeg), sniffFormat(webp)]).toEqual(['png', 'jpeg', 'webp']);
    for (const other of [Buffer.from('GIF89a'), Buffer.from(HTML_PAGE), Buffer.from('RIFF\0\0\0\0WAVE'), png.subarray(0, 7), Buffer.alloc(0)]) expect(sniffFormat(other)).toBeUndefined();
  });

  test('a file of another format than declared: type-mismatch, naming both', async () => {
    const refusal = await refusalOf(() => inspectUpload(png, 'image/jpeg', sharpProbe));
    expect(refusal.details).toEqual({ problem: 'type-mismatch' });
    expect(refusal.message).toBe('The file is a PNG image but was uploaded as image/jpeg');
    expect(await problemOf(() => inspectUpload(webp, 'image/png', sharpProbe))).toBe('type-mismatch');
  });

  test('not an image at all (HTML, empty, GIF): not-an-image', async () => {
    expect(await problemOf(() => inspectUpload(Buffer.from(HTML_PAGE), 'image/png', sharpProbe))).toBe('not-an-image');
    expect(await problemOf(() => inspectUpload(Buffer.alloc(0), 'image/png', sharpProbe))).toBe('not-an-image');
    expect(await problemOf(() => inspectUpload(Buffer.from('GIF89a\x01\0\x01\0'), 'image/png', sharpProbe))).toBe('not-an-image');
  });

  test('over 5 MiB stored (the POST policy is S3\'s; this is the second gate): too-large, before anything is read', async () => {
    const probe = recordingProbe();
    expect(await problemOf(() => inspectUpload(Buffer.concat([png, Buffer.alloc(UPLOAD_LIMITS.maxBytes)]), 'image/png', probe))).toBe('too-large');
    expect(probe.calls).toEqual([]);
  });

  test('truncated PNG, JPEG and WebP files: truncated, naming the part that is missing', async () => {
    expect(containerProblem(png.subarray(0, png.length - 1), 'png')?.message).toMatch(/PNG file is truncated: it ends before its last chunk \(IEND\)/);
    expect(containerProblem(png.subarray(0, 40), 'png')?.problem).toBe('truncated');
    expect(containerProblem(png.subarray(0, 8), 'png')?.problem).toBe('truncated');
    expect(containerProblem(jpeg.subarray(0, jpeg.length - 2), 'jpeg')?.message).toMatch(/JPEG file is truncated: it ends before its last marker \(EOI\)/);
    expect(containerProblem(jpeg.subarray(0, Math.floor(jpeg.length / 2)), 'jpeg')?.problem).toBe('truncated');
    expect(containerProblem(webp.subarray(0, webp.length - 10), 'webp')?.message).toMatch(/WEBP file is truncated: it ends before its last RIFF chunk/);
    for (const [bytes, type] of [[png.subarray(0, 100), 'image/png'], [jpeg.subarray(0, 300), 'image/jpeg'], [webp.subarray(0, 50), 'image/webp']] as const) {
      expect(await problemOf(() => inspectUpload(bytes, type, sharpProbe))).toBe('truncated');
    }
  });

  test('polyglots: a PNG, JPEG or WebP followed by an HTML page or a ZIP archive is trailing-data, counting the bytes', async () => {
    const zip = zipArchive();
    for (const [image, format] of [[png, 'png'], [jpeg, 'jpeg'], [webp, 'webp']] as const) {
      expect(containerProblem(Buffer.concat([image, Buffer.from(HTML_PAGE)]), format)).toEqual({
        problem: 'trailing-data',
        message: `The ${format.toUpperCase()} file carries ${HTML_PAGE.length} bytes after its end (another file appended: a polyglot)`,
      });
      expect(containerProblem(Buffer.concat([image, zip]), format)?.problem).toBe('trailing-data');
    }
  });

  test('a JPEG followed by a ZIP whose archive comment ends in FF D9 (a fake EOI at the very end) is trailing-data', async () => {
    const polyglot = Buffer.concat([jpeg, zipArchive('a.txt', 'hello', Buffer.from([0xff, 0xd9]))]);
    expect(polyglot.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
    expect(containerProblem(polyglot, 'jpeg')).toEqual({ problem: 'trailing-data', message: `The JPEG file carries ${polyglot.length - jpeg.length} bytes after its end (another file appended: a polyglot)` });
  });

  test('a JPEG\'s own markers inside its segments (an EXIF thumbnail\'s EOI) and a progressive JPEG\'s scans end where the file does', async () => {
    const source = await photo('png', 300, 200);
    const sharp = (await import('sharp')).default;
    const progressive = await sharp(source).jpeg({ progressive: true }).toBuffer();
    const restarts = await sharp(source).jpeg({ quality: 90, optimiseScans: true }).toBuffer();
    // A thumbnail (a whole JPEG, EOI included) inside an APP1 segment, as cameras write EXIF.
    const thumbnail = Buffer.from(await photo('jpeg', 8, 8));
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1]), Buffer.from([0, 0]), Buffer.from('Exif\0\0'), thumbnail]);
    app1.writeUInt16BE(app1.length - 2, 2);
    const withThumbnail = Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]);
    for (const file of [progressive, restarts, withThumbnail]) expect(containerProblem(file, 'jpeg')).toBeUndefined();
    await expect(inspectUpload(withThumbnail, 'image/jpeg', sharpProbe)).resolves.toEqual({ format: 'jpeg', width: 64, height: 48 });
    // A phone's further pictures (Multi-Picture Format) are whole JPEGs after the first.
    expect(containerProblem(Buffer.concat([jpeg, thumbnail]), 'jpeg')).toBeUndefined();
    expect(containerProblem(Buffer.concat([jpeg, thumbnail, Buffer.from(HTML_PAGE)]), 'jpeg')?.problem).toBe('trailing-data');
  });

  test('HTML or script markup inside (a tEXt chunk): embedded-markup', async () => {
    const inside = withChunkBeforeIend(png, textChunk('Comment', HTML_PAGE));
    expect(containerProblem(inside, 'png')).toEqual({ problem: 'embedded-markup', message: 'The PNG file carries HTML or script markup (a polyglot)' });
    for (const markup of ['<svg onload=alert(1)>', '<?php system($_GET[0]); ?>', '<!DOCTYPE html>', '<SCRIPT>x</SCRIPT>', '<iframe src=x>']) {
      expect(containerProblem(withChunkBeforeIend(png, textChunk('Comment', markup)), 'png')?.problem).toBe('embedded-markup');
    }
    // Text that only looks alike is kept.
    expect(containerProblem(withChunkBeforeIend(png, textChunk('Comment', 'a <b> cat 3<4 scripts <html5')), 'png')).toBeUndefined();
  });

  test('dimensions: at most 4096 a side and 12 megapixels', () => {
    expect(dimensionProblem(4096, 2929)).toBeUndefined();
    expect(dimensionProblem(4097, 10)).toEqual({ problem: 'too-wide', message: 'The image is 4097 x 10 pixels; at most 4096 x 4096 are allowed' });
    expect(dimensionProblem(10, 4097)?.problem).toBe('too-wide');
    expect(dimensionProblem(4096, 2930)).toEqual({ problem: 'too-many-pixels', message: 'The image has 12001280 pixels; at most 12000000 are allowed' });
    expect(dimensionProblem(0, 10)?.problem).toBe('undecodable');
  });

  test.each([
    ['a 30000 x 30000 PNG', () => bombPng(), 'image/png', 'too-wide', 'The image is 30000 x 30000 pixels; at most 4096 x 4096 are allowed'],
    ['a 4000 x 4000 PNG', () => bombPng(4000, 4000), 'image/png', 'too-many-pixels', 'The image has 16000000 pixels; at most 12000000 are allowed'],
    ['a 30000 x 30000 JPEG', () => bombJpeg(), 'image/jpeg', 'too-wide', 'The image is 30000 x 30000 pixels; at most 4096 x 4096 are allowed'],
    ['a 16383 x 16383 WebP', () => bombWebp(), 'image/webp', 'too-wide', 'The image is 16383 x 16383 pixels; at most 4096 x 4096 are allowed'],
    ['a 4000 x 4000 WebP', () => bombWebp(4000, 4000), 'image/webp', 'too-many-pixels', 'The image has 16000000 pixels; at most 12000000 are allowed'],
  ] as const)('decompression bomb, %s of a few hundred bytes: refused from its header, naming the dimensions, nothing decoded', async (_name, file, type, problem, message) => {
    const bytes = await file();
    expect(bytes.length).toBeLessThan(1000);
    const probe = recordingProbe();
    const refusal = await refusalOf(() => inspectUpload(bytes, type, probe));
    expect(refusal.details).toMatchObject({ problem });
    expect(refusal.message).toBe(message);
    expect(probe.calls).toEqual(['probe']);
  });

  test('a header within the caps over damaged data: undecodable, after the full decode', async () => {
    const probe = recordingProbe();
    const damaged = await bombJpeg(300, 300);
    const refusal = await refusalOf(() => inspectUpload(damaged, 'image/jpeg', probe));
    expect(refusal.details).toEqual({ problem: 'undecodable' });
    expect(refusal.message).toMatch(/^The JPEG image cannot be decoded: /);
    expect(probe.calls).toEqual(['probe', 'decode']);
  });

  test('the cheap checks come first: a refused container is never shown to the decoder', async () => {
    const probe = recordingProbe();
    await problemOf(() => inspectUpload(Buffer.concat([png, zipArchive()]), 'image/png', probe));
    await problemOf(() => inspectUpload(png, 'image/webp', probe));
    expect(probe.calls).toEqual([]);
  });
});
