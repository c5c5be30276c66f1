import sharp from 'sharp';
import type { Compositor } from '../domain/compositions';
import type { Placement } from '../domain/model';
import { UPLOAD_LIMITS } from '../domain/settings';
import type { ImageProbe } from '../domain/upload-policy';

/**
 * sharp (libvips) as the domain's decoder and compositor. It is loaded from the function's layer
 * on AWS (kept out of the bundles) and from node_modules locally.
 */

// One composition at a time per container is what Lambda runs; a local process runs many at once.
sharp.concurrency(1);

/** How many compositions this process has run (the tests count sharp runs with it). */
export const compositorRuns = { count: 0 };

/** sharp's input options for untrusted images: the pixel cap, and any warning (a truncated scan) is an error. */
const input = (maxPixels: number = UPLOAD_LIMITS.maxPixels) => ({ limitInputPixels: maxPixels, failOn: 'warning' as const });

export const sharpProbe: ImageProbe = {
  async probe(bytes) {
    // The header only, without the pixel cap: sharp would refuse a bomb's header as unreadable,
    // and the caps are the domain's to check, naming what is over them (nothing is decoded here).
    const meta = await sharp(bytes, { ...input(), limitInputPixels: false }).metadata();
    return { format: meta.format, width: meta.width, height: meta.height };
  },
  async decode(bytes, maxPixels) {
    await sharp(bytes, input(maxPixels)).raw().toBuffer();
  },
};

/**
 * The hat on the cat: the cat upright (EXIF orientation applied) at its own size; the hat scaled
 * to `scale` of the cat's width, rotated `rotation` degrees clockwise on a transparent background,
 * its centre at (`x`, `y`) of the cat; the part of the hat outside the cat is cut off. A PNG.
 */
export const sharpCompositor: Compositor = {
  async compose(catBytes, hatBytes, placement: Placement) {
    compositorRuns.count++;
    const cat = await sharp(catBytes, input()).autoOrient().toBuffer({ resolveWithObject: true });
    const { width, height } = cat.info;
    const hat = await sharp(hatBytes, input())
      .autoOrient()
      .resize({ width: Math.max(1, Math.round(placement.scale * width)) })
      .ensureAlpha()
      .rotate(placement.rotation, { background: { r: 0, g: 0, b: 0, alpha: 0 } })
      .png()
      .toBuffer({ resolveWithObject: true });
    const left = Math.round(placement.x * width - hat.info.width / 2);
    const top = Math.round(placement.y * height - hat.info.height / 2);
    // The visible part of the hat (sharp composites only what fits inside the base image).
    const cut = { left: Math.max(0, -left), top: Math.max(0, -top) };
    const visible = { width: Math.min(hat.info.width, width - left) - cut.left, height: Math.min(hat.info.height, height - top) - cut.top };
    const base = sharp(cat.data).png({ compressionLevel: 6 });
    if (visible.width <= 0 || visible.height <= 0) return base.toBuffer();
    const overlay = await sharp(hat.data).extract({ ...cut, ...visible }).toBuffer();
    return base.composite([{ input: overlay, left: left + cut.left, top: top + cut.top }]).toBuffer();
  },
};
