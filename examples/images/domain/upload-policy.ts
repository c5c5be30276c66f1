import { invalidImage } from './errors';
import type { UploadRequest } from './model';
import { UPLOAD_CONTENT_TYPES, UPLOAD_LIMITS, type ImageFormat, type ImageKind, type UploadContentType } from './settings';

/**
 * What may be uploaded, and whether what was stored is an image we keep. Pure: the bytes are
 * given, the decoder (sharp) is a port (`ImageProbe`), so every rule is tested without engines.
 *
 * An upload passes four gates, each refusing with a problem name:
 * 1. asking for the URL: the declared content type is on the allow list (`content-type`) and the
 *    declared size under the cap (`too-large`); the presigned POST's policy repeats both;
 * 2. the stored bytes: under the cap (`too-large`), a format we take by its magic bytes
 *    (`not-an-image`), the same format as declared (`type-mismatch`);
 * 3. the container: complete (`truncated`), nothing after its end (`trailing-data`: a polyglot
 *    carrying a second file), no markup inside (`embedded-markup`: HTML or script hidden in
 *    metadata, read by a browser that sniffs);
 * 4. the header's dimensions under the caps (`too-wide`, `too-many-pixels`: a decompression bomb
 *    declares far more than it carries), then a full decode within the pixel cap (`undecodable`).
 */

/** The object key of an upload: `originals/<kind>/<imageId>` (the CloudFront path too). */
export const originalKey = (kind: ImageKind, imageId: string) => `originals/${kind}/${imageId}`;

export interface UploadPlan {
  readonly key: string;
  readonly contentType: UploadContentType;
  /** The POST policy's content-length-range upper bound. */
  readonly maxBytes: number;
}

const allowed = Object.keys(UPLOAD_CONTENT_TYPES).join(', ');

export function planUpload(imageId: string, request: UploadRequest): UploadPlan {
  if (!Object.hasOwn(UPLOAD_CONTENT_TYPES, request.contentType)) {
    throw invalidImage('content-type', `contentType: ${JSON.stringify(request.contentType.slice(0, 100))} is not allowed; one of ${allowed}`, { field: 'contentType' });
  }
  if (request.size > UPLOAD_LIMITS.maxBytes) {
    throw invalidImage('too-large', `size: ${request.size} bytes is over the ${UPLOAD_LIMITS.maxBytes} bytes an image may have`, { field: 'size', maxBytes: UPLOAD_LIMITS.maxBytes });
  }
  return { key: originalKey(request.kind, imageId), contentType: request.contentType as UploadContentType, maxBytes: UPLOAD_LIMITS.maxBytes };
}

/** The format the magic bytes say, if it is one we take. */
export function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length >= 8 && b.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return undefined;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Where the container says the file ends: the byte after PNG's IEND chunk, JPEG's final EOI, WebP's RIFF size; undefined if it never ends. */
function containerEnd(b: Buffer, format: ImageFormat): number | undefined {
  switch (format) {
    case 'png': {
      for (let at = 8; at + 12 <= b.length;) {
        const length = b.readUInt32BE(at);
        const type = b.toString('latin1', at + 4, at + 8);
        const next = at + 12 + length;
        if (next > b.length) return undefined;
        if (type === 'IEND') return next;
        at = next;
      }
      return undefined;
    }
    case 'webp': {
      const end = 8 + b.readUInt32LE(4);
      return end <= b.length ? end : undefined;
    }
    case 'jpeg': {
      // The segments are walked by their lengths, so the markers inside one (an EXIF thumbnail's
      // own EOI) are never taken for the file's. Images that follow the first one (a phone's
      // Multi-Picture Format: a gain map, a depth map) are walked the same way.
      let end = jpegEnd(b, 0);
      while (end !== undefined && end + 3 <= b.length && b[end] === 0xff && b[end + 1] === 0xd8 && b[end + 2] === 0xff) end = jpegEnd(b, end);
      return end;
    }
  }
}

/**
 * The byte after the EOI of the JPEG starting at `start`: every marker segment is skipped by its
 * length; after a start of scan the entropy-coded data runs to the next marker that is not a
 * stuffed byte (FF 00), a restart (FF D0-D7) or a fill byte (FF FF); undefined if it never ends.
 */
function jpegEnd(b: Buffer, start: number): number | undefined {
  let at = start + 2;
  while (at + 2 <= b.length) {
    if (b[at] !== 0xff) return undefined;
    const marker = b[at + 1];
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    if (marker === 0xd9) return at + 2;
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      continue;
    }
    if (at + 4 > b.length) return undefined;
    const length = b.readUInt16BE(at + 2);
    if (length < 2) return undefined;
    at += 2 + length;
    if (marker !== 0xda) continue;
    for (;;) {
      at = b.indexOf(0xff, at);
      if (at < 0 || at + 1 >= b.length) return undefined;
      const next = b[at + 1];
      if (next === 0x00 || next === 0xff || (next >= 0xd0 && next <= 0xd7)) at += next === 0xff ? 1 : 2;
      else break;
    }
  }
  return undefined;
}

/**
 * Markup a browser would act on if it ever sniffed the file as HTML or SVG. In compressed image
 * data a given 7-byte sequence occurs by chance about once in 2^49 positions: a 5 MiB upload
 * is refused by accident with odds under one in ten million.
 */
const MARKUP = /<(script|html|svg|iframe|object|embed|body|!doctype|\?php)[\s>/]/i;

/** The container problem of `bytes` in `format`, if any. */
export function containerProblem(bytes: Uint8Array, format: ImageFormat): { problem: string; message: string } | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = containerEnd(b, format);
  if (end === undefined) return { problem: 'truncated', message: `The ${format.toUpperCase()} file is truncated: it ends before its last ${format === 'png' ? 'chunk (IEND)' : format === 'jpeg' ? 'marker (EOI)' : 'RIFF chunk'}` };
  if (end < b.length) return { problem: 'trailing-data', message: `The ${format.toUpperCase()} file carries ${b.length - end} bytes after its end (another file appended: a polyglot)` };
  if (MARKUP.test(b.toString('latin1'))) return { problem: 'embedded-markup', message: `The ${format.toUpperCase()} file carries HTML or script markup (a polyglot)` };
  return undefined;
}

/** The header's dimensions against the caps. */
export function dimensionProblem(width: number, height: number): { problem: string; message: string } | undefined {
  const { maxDimension, maxPixels } = UPLOAD_LIMITS;
  if (!(width > 0 && height > 0)) return { problem: 'undecodable', message: 'The image declares no dimensions' };
  if (width > maxDimension || height > maxDimension) {
    return { problem: 'too-wide', message: `The image is ${width} x ${height} pixels; at most ${maxDimension} x ${maxDimension} are allowed` };
  }
  if (width * height > maxPixels) {
    return { problem: 'too-many-pixels', message: `The image has ${width * height} pixels; at most ${maxPixels} are allowed` };
  }
  return undefined;
}

/** What the decoder says about an image: from its header (`probe`), then from decoding all of it (`decode`). */
export interface ImageProbe {
  /** Reads the header only: the format and dimensions it declares. Throws if it cannot. */
  probe(bytes: Uint8Array): Promise<{ format: string; width: number; height: number }>;
  /** Decodes every pixel, refusing more than `maxPixels`; throws on any damage. */
  decode(bytes: Uint8Array, maxPixels: number): Promise<void>;
}

export interface InspectedImage {
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
}

/**
 * Whether `bytes`, stored for an upload declared as `contentType`, is an image we keep: the gates
 * 2 to 4 above, in that order (the cheap ones first; nothing is decoded before the header's
 * dimensions are known to be within the caps). Refuses with `invalidImage(problem, ...)`.
 */
export async function inspectUpload(bytes: Uint8Array, contentType: UploadContentType, decoder: ImageProbe): Promise<InspectedImage> {
  if (bytes.byteLength > UPLOAD_LIMITS.maxBytes) throw invalidImage('too-large', `The file has ${bytes.byteLength} bytes; at most ${UPLOAD_LIMITS.maxBytes} are allowed`);
  if (bytes.byteLength === 0) throw invalidImage('not-an-image', 'The file is empty');
  const format = sniffFormat(bytes);
  if (!format) throw invalidImage('not-an-image', `The file is not a PNG, JPEG or WebP image (its first bytes are ${Buffer.from(bytes.subarray(0, 8)).toString('hex')})`);
  if (format !== UPLOAD_CONTENT_TYPES[contentType]) {
    throw invalidImage('type-mismatch', `The file is a ${format.toUpperCase()} image but was uploaded as ${contentType}`);
  }
  const container = containerProblem(bytes, format);
  if (container) throw invalidImage(container.problem, container.message);
  let header: { format: string; width: number; height: number };
  try {
    header = await decoder.probe(bytes);
  } catch (error) {
    throw invalidImage('undecodable', `The ${format.toUpperCase()} header cannot be read: ${(error as Error).message}`);
  }
  const dimensions = dimensionProblem(header.width, header.height);
  if (dimensions) throw invalidImage(dimensions.problem, dimensions.message, { width: header.width, height: header.height });
  try {
    await decoder.decode(bytes, UPLOAD_LIMITS.maxPixels);
  } catch (error) {
    throw invalidImage('undecodable', `The ${format.toUpperCase()} image cannot be decoded: ${(error as Error).message}`);
  }
  return { format, width: header.width, height: header.height };
}
