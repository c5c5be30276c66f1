import { createHash } from 'crypto';
import type { Placement } from './model';

/**
 * The composition key: one per distinct picture, so equal requests share one composition.
 *
 * A placement is normalised first, so requests that would draw the same picture get the same key:
 * - `x`, `y` (the hat's centre, fractions of the cat's width and height) are clamped to [0, 1] and
 *   rounded to 3 decimals (a thousandth of the cat: under a pixel up to 1000 px, ~4 px at 4096);
 * - `scale` (the hat's width over the cat's) is clamped to [0.05, 2] and rounded to 3 decimals;
 * - `rotation` (degrees, clockwise) is rounded to a whole degree and wrapped into [-180, 180).
 * Rounding is half away from zero on the decimal value (so 0.0005 → 0.001), and -0 is 0.
 */
export const PLACEMENT_LIMITS = {
  position: { min: 0, max: 1, decimals: 3 },
  scale: { min: 0.05, max: 2, decimals: 3 },
} as const;

/** The version of the key's derivation: change it and every key changes. */
const KEY_VERSION = 'v1';

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  // toFixed-free: Math.round on the scaled value, away from zero for negatives; EPSILON guards 1.0005-like binary errors.
  const scaled = Math.abs(value) * factor * (1 + Number.EPSILON);
  return (Math.sign(value) * Math.round(scaled)) / factor + 0;
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

export function normalisePlacement(placement: Placement): Placement {
  const { position, scale } = PLACEMENT_LIMITS;
  const degrees = Math.round(placement.rotation);
  const wrapped = ((((degrees + 180) % 360) + 360) % 360) - 180;
  return {
    x: round(clamp(placement.x, position.min, position.max), position.decimals),
    y: round(clamp(placement.y, position.min, position.max), position.decimals),
    scale: round(clamp(placement.scale, scale.min, scale.max), scale.decimals),
    rotation: wrapped + 0,
  };
}

/**
 * SHA-256 (hex) of the two images' versions (the hashes of their validated bytes, cat first) and
 * the normalised placement: the same cat, hat and placement always give the same key, any change
 * of either image or of the placement beyond the rounding gives another.
 */
export function compositionKey(catVersion: string, hatVersion: string, placement: Placement): string {
  const p = normalisePlacement(placement);
  return createHash('sha256').update([KEY_VERSION, catVersion, hatVersion, p.x, p.y, p.scale, p.rotation].join('|')).digest('hex');
}
