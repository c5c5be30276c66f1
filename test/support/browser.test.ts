import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BinaryBitmap, HybridBinarizer, QRCodeReader, RGBLuminanceSource } from '@zxing/library';
import { QR_MASK_PATTERNS, qrFrame, writeQrCameraVideo } from './browser';

/** The journeys' fake camera: every code it shows is read by ZXing, the decoder the pages scan with. */

const [W, H] = [640, 480];
const read = (y: Buffer): string | undefined => {
  try {
    return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(new Uint8ClampedArray(y), W, H)))).getText();
  } catch {
    return undefined;
  }
};
/** Code-like payloads of 40 to 240 characters, the same on every run. */
const payloads = Array.from({ length: 24 }, (_, i) => {
  const length = 40 + (i % 6) * 40;
  let text = '';
  for (let k = 0; text.length < length; k++) text += createHash('sha256').update(`${i}:${k}`).digest('base64url');
  return text.slice(0, length);
});

test('one frame per mask pattern, each the same size', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'qr-video-')), 'camera.y4m');
  writeQrCameraVideo(payloads[0], file, 'L');
  const video = fs.readFileSync(file);
  expect(video.subarray(0, video.indexOf('\n')).toString()).toBe(`YUV4MPEG2 W${W} H${H} F5:1 Ip A1:1 C420jpeg`);
  const frameBytes = 'FRAME\n'.length + W * H * 1.5;
  expect(video.length).toBe(video.indexOf('\n') + 1 + QR_MASK_PATTERNS.length * frameBytes);
  fs.rmSync(path.dirname(file), { recursive: true });
});

test.each(['L', 'M'] as const)('error correction %s: every payload is read from some frame of the loop, though not from every one', (level) => {
  let missedFrames = 0;
  for (const payload of payloads) {
    const reads = QR_MASK_PATTERNS.map((mask) => read(qrFrame(payload, level, mask)));
    expect(reads).toContain(payload);
    missedFrames += reads.filter((r) => r !== payload).length;
  }
  // What the eight frames are for: one frame alone is missed now and then.
  expect(missedFrames).toBeGreaterThan(0);
});
