// No imports: the web pages bundle this (through model.ts) for the browser.

/** A typed or scanned pass number in its stored form, or undefined when it cannot be one. */
export function normalizePassId(raw: string): string | undefined {
  const s = raw.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (!/^[0-9A-HJKMNP-TV-Z]{12}$/.test(s)) return undefined;
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
}

// Crockford's base32, the pass number's alphabet (no I, L, O or U).
const BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Bytes as Crockford base32, most significant bit first; the last character is padded with zero bits. */
export function base32Encode(bytes: Uint8Array): string {
  const bits = Array.from(bytes, (b) => b.toString(2).padStart(8, '0')).join('');
  const padded = bits.padEnd(Math.ceil(bits.length / 5) * 5, '0');
  let out = '';
  for (let i = 0; i < padded.length; i += 5) out += BASE32[parseInt(padded.slice(i, i + 5), 2)];
  return out;
}

/**
 * Crockford base32 back to `length` bytes, strictly: only the canonical text of those bytes is
 * accepted (no lowercase, no other characters, the padding bits zero), so one value has exactly one
 * spelling and a changed character never decodes to the same bytes.
 */
export function base32Decode(text: string, length: number): Uint8Array<ArrayBuffer> | undefined {
  if (text.length !== Math.ceil((length * 8) / 5)) return undefined;
  let bits = '';
  for (const ch of text) {
    const v = BASE32.indexOf(ch);
    if (v < 0) return undefined;
    bits += v.toString(2).padStart(5, '0');
  }
  // Non-zero padding bits: not the canonical spelling of these bytes.
  if (/1/.test(bits.slice(length * 8))) return undefined;
  return Uint8Array.from({ length }, (_, i) => parseInt(bits.slice(i * 8, i * 8 + 8), 2));
}

/** A whole number as `width` Crockford base32 digits (undefined when it does not fit). */
export function base32Number(value: number, width: number): string | undefined {
  if (!Number.isSafeInteger(value) || value < 0 || value >= 32 ** width) return undefined;
  let out = '';
  for (let v = value, i = 0; i < width; i++, v = Math.floor(v / 32)) out = BASE32[v % 32] + out;
  return out;
}

/** Fixed-width Crockford base32 digits as a number (undefined for any other character). */
export function base32ToNumber(text: string): number | undefined {
  let v = 0;
  for (const ch of text) {
    const d = BASE32.indexOf(ch);
    if (d < 0) return undefined;
    v = v * 32 + d;
  }
  return v;
}

/**
 * The text of a pass's QR code: `P1:<key>:<pass number>:<valid from>:<minutes>:<signature>`, all in
 * Crockford base32 (uppercase letters and digits, `:`), which a QR code stores in its alphanumeric
 * mode: about 140 characters, a version 6 code (41 × 41 modules) at error correction M, where a JWS
 * needed version 14. Key: 4 characters naming the signing key; pass number: 12; valid from: 7
 * (epoch seconds); minutes: 3; signature: 103 (the 64 bytes of an ES256 signature).
 */
export const PASS_QR = /^P1:[0-9A-HJKMNP-TV-Z]{4}:[0-9A-HJKMNP-TV-Z]{12}:[0-9A-HJKMNP-TV-Z]{7}:[0-9A-HJKMNP-TV-Z]{3}:[0-9A-HJKMNP-TV-Z]{103}$/;
