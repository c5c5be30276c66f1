import * as zlib from 'zlib';
import sharp from 'sharp';

/**
 * Hostile files for the upload checks, built byte by byte: decompression bombs, truncations,
 * polyglots (an image that is also an HTML page or a ZIP archive) and markup hidden in metadata.
 * Each is a real file of its format up to the point it is broken, so the check that refuses it is
 * the one it names, not an earlier one.
 */

/** One PNG chunk: length, type, data, CRC-32 of type and data. */
export function pngChunk(type: string, data: Uint8Array = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.byteLength, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * A PNG declaring `width` x `height` (8-bit grey) whose IDAT holds only the zlib stream of a few
 * rows: a few hundred bytes that would inflate to width x height bytes if decoded.
 */
export function bombPng(width = 30_000, height = 30_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // bit depth 8, greyscale, deflate, filter 0, no interlace
  const rows = zlib.deflateSync(Buffer.alloc((width + 1) * 4));
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', rows), pngChunk('IEND')]);
}

/** `png` with `chunk` inserted just before its IEND (an ancillary chunk, such as tEXt). */
export function withChunkBeforeIend(png: Buffer, chunk: Buffer): Buffer {
  const iend = png.length - 12;
  return Buffer.concat([png.subarray(0, iend), chunk, png.subarray(iend)]);
}

/** A tEXt chunk (keyword, NUL, text). */
export const textChunk = (keyword: string, text: string) => pngChunk('tEXt', Buffer.from(`${keyword}\0${text}`, 'latin1'));

/** A small HTML page that runs script: what a polyglot carries for a browser that sniffs. */
export const HTML_PAGE = '<html><body><script>alert(document.domain)</script></body></html>';

/** A ZIP archive of one stored file, with `comment` as its archive comment (the EOCD record's last field). */
export function zipArchive(name = 'a.txt', content = 'hello from the archive', comment: Uint8Array = Buffer.alloc(0)): Buffer {
  const data = Buffer.from(content);
  const fileName = Buffer.from(name);
  const crc = zlib.crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(fileName.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(fileName.length, 28);
  const localPart = Buffer.concat([local, fileName, data]);
  const centralPart = Buffer.concat([central, fileName]);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(centralPart.length, 12);
  end.writeUInt32LE(localPart.length, 16);
  end.writeUInt16LE(comment.byteLength, 20);
  return Buffer.concat([localPart, centralPart, end, comment]);
}

/** A photo-like picture (noise on a gradient), so the encoders write real entropy-coded data. */
export async function photo(format: 'png' | 'jpeg' | 'webp', width = 64, height = 48, seed = 1): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  let s = seed;
  for (let i = 0; i < raw.length; i++) {
    s = (s * 48271) % 2147483647;
    raw[i] = ((i / 3) % width) * 2 + (s % 40);
  }
  const image = sharp(raw, { raw: { width, height, channels: 3 } });
  return format === 'png' ? image.png().toBuffer() : format === 'jpeg' ? image.jpeg({ quality: 80 }).toBuffer() : image.webp({ quality: 80 }).toBuffer();
}

/** A lossless WebP whose VP8L header declares `width` x `height` (up to 16383 a side, as libwebp reads) over the data of a 1 x 1 picture. */
export async function bombWebp(width = 16_383, height = 16_383): Promise<Buffer> {
  const webp = Buffer.from(await sharp({ create: { width: 1, height: 1, channels: 3, background: '#888' } }).webp({ lossless: true }).toBuffer());
  if (webp.toString('latin1', 12, 16) !== 'VP8L') throw new Error('the fixture is not a simple lossless WebP');
  // After the VP8L chunk header and its signature byte (0x2f): 14 bits width - 1, 14 bits height - 1, then alpha and version.
  const flags = Math.floor(webp.readUInt32LE(21) / 2 ** 28) * 2 ** 28;
  webp.writeUInt32LE(flags + (height - 1) * 2 ** 14 + (width - 1), 21);
  return webp;
}

/** A JPEG whose header (SOF0) declares `width` x `height` over the scan of a tiny picture. */
export async function bombJpeg(width = 30_000, height = 30_000): Promise<Buffer> {
  const jpeg = Buffer.from(await photo('jpeg', 16, 16));
  for (let at = 2; at + 4 < jpeg.length;) {
    const marker = jpeg[at + 1];
    if (marker === 0xc0 || marker === 0xc2) {
      jpeg.writeUInt16BE(height, at + 5);
      jpeg.writeUInt16BE(width, at + 7);
      return jpeg;
    }
    at += 2 + jpeg.readUInt16BE(at + 2);
  }
  throw new Error('no SOF marker in the fixture');
}
