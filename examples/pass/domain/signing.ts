import { createECDH, createHash } from 'crypto';
import { jose, type JWK } from './jose';
import { base32Decode, base32Encode, base32Number, base32ToNumber, normalizePassId, PASS_QR } from './pass-number';

const { calculateJwkThumbprint, importJWK } = jose;

/** The key approved passes are signed with (ES256: ECDSA on P-256 with SHA-256). */
export interface SigningKey {
  /** The private key, for jose. */
  readonly privateKey: CryptoKey | Uint8Array;
  /** The public half as a JWK with `kid`, `alg` and `use`: what the site publishes for offline checks. */
  readonly publicJwk: JWK;
  /** Key id: the RFC 7638 thumbprint of the public key. */
  readonly kid: string;
}

/**
 * What a pass's QR code says, signed: the pass number and its validity, nothing more. The police
 * check online reads everything else (holder, travellers, route) from the stored pass; offline, the
 * signature and the validity window are what a phone can judge.
 */
export interface PassClaims {
  /** The pass number (`XXXX-XXXX-XXXX`). */
  readonly pid: string;
  /** Validity (epoch seconds; `exp - nbf` is a whole number of minutes, at most a day). */
  readonly nbf: number;
  readonly exp: number;
}

// The order of the P-256 group, and half of it (a canonical signature has s <= n/2).
const P256_N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const P256_HALF_N = P256_N / 2n;

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/**
 * The signing key from the secret's value. Either a private EC P-256 JWK (JSON: `{"kty":"EC","crv":"P-256","d":...}`,
 * for keys made elsewhere), or any other string of at least 32 characters (the random value Secrets
 * Manager generates when the stack creates the secret), from which a P-256 private key is derived
 * (SHA-256 of the value, reduced into the group's range). So a fresh deployment signs at once, with
 * no manual key step, and the key never leaves Secrets Manager.
 */
export async function signingKeyFrom(secret: string): Promise<SigningKey> {
  const value = secret.trim();
  let jwk: JWK;
  if (value.startsWith('{')) {
    jwk = JSON.parse(value) as JWK;
    if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.d || !jwk.x || !jwk.y) {
      throw new Error('Signing key secret: a JWK must be a private EC P-256 key (kty EC, crv P-256, with d, x and y)');
    }
  } else {
    if (value.length < 32) throw new Error('Signing key secret: at least 32 characters, or a private EC P-256 JWK');
    const digest = createHash('sha256').update('movement-pass-signing-key/v1\n').update(value).digest();
    const d = (BigInt(`0x${digest.toString('hex')}`) % (P256_N - 1n)) + 1n;
    const dBytes = Buffer.from(d.toString(16).padStart(64, '0'), 'hex');
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(dBytes);
    const point = ecdh.getPublicKey(); // 0x04 || X || Y
    jwk = { kty: 'EC', crv: 'P-256', d: b64url(dBytes), x: b64url(point.subarray(1, 33)), y: b64url(point.subarray(33, 65)) };
  }
  const publicPart: JWK = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
  const kid = await calculateJwkThumbprint(publicPart);
  const privateKey = await importJWK({ ...jwk, alg: 'ES256' }, 'ES256') as CryptoKey | Uint8Array;
  return { privateKey, kid, publicJwk: { ...publicPart, kid, alg: 'ES256', use: 'sig' } };
}

/** The 4 characters a pass's QR code names its signing key by (a digest of the key's `kid`). */
export function keyRef(kid: string): string {
  return base32Encode(createHash('sha256').update(kid).digest()).slice(0, 4);
}

// Domain separation: what a pass signature covers can never be the signing input of another
// token made with the same key (a JWS signing input is base64url, which has no newline or colon).
const SIGNED_PREFIX = 'movement-pass-qr/1\n';
const SUBTLE = globalThis.crypto.subtle;
const ECDSA = { name: 'ECDSA', hash: 'SHA-256' } as const;

function bigIntOf(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
}

/**
 * The pass's QR text (see `PASS_QR`), signed with ES256. The signature is made canonical (low S:
 * of the two valid values s and n - s, the smaller), so a genuine pass has exactly one valid text.
 */
export async function signPass(key: SigningKey, claims: PassClaims): Promise<string> {
  const id = normalizePassId(claims.pid);
  const from = base32Number(claims.nbf, 7);
  const minutes = (claims.exp - claims.nbf) / 60;
  const length = base32Number(minutes, 3);
  if (!id || !from || !length || minutes < 1 || minutes > 1440) {
    throw new Error(`Cannot sign pass ${claims.pid}: its number or validity is out of range`);
  }
  const body = `P1:${keyRef(key.kid)}:${id.replace(/-/g, '')}:${from}:${length}`;
  const raw = new Uint8Array(await SUBTLE.sign(ECDSA, key.privateKey as CryptoKey, new TextEncoder().encode(SIGNED_PREFIX + body)));
  const s = bigIntOf(raw.subarray(32));
  if (s > P256_HALF_N) raw.set(Buffer.from((P256_N - s).toString(16).padStart(64, '0'), 'hex'), 32);
  return `${body}:${base32Encode(raw)}`;
}

/** The result of checking a pass's QR text: its claims, or why it is not ours. */
export type TokenCheck =
  | { readonly ok: true; readonly claims: PassClaims & { readonly kid: string } }
  | { readonly ok: false; readonly problem: string };

/**
 * Checks a pass's QR text against the published public keys: its exact form (one canonical
 * spelling only), the key it names, and an ES256 signature with low S (the other valid value of a
 * genuine signature, n - s, is refused, as is any other changed character). Time is not judged
 * here (the caller compares with the stored pass, or with `nbf`/`exp` offline). Anything wrong
 * means the text was altered or forged.
 */
export async function checkPassToken(token: string, publicKeys: JWK[]): Promise<TokenCheck> {
  if (!PASS_QR.test(token)) return { ok: false, problem: 'not the QR text of a pass' };
  const [, ref, id, from, length, sigText] = token.split(':');
  const signature = base32Decode(sigText, 64);
  if (!signature) return { ok: false, problem: 'signature is not canonical' };
  const r = bigIntOf(signature.subarray(0, 32));
  const s = bigIntOf(signature.subarray(32));
  if (r === 0n || r >= P256_N || s === 0n || s > P256_HALF_N) return { ok: false, problem: 'signature is not canonical (high S)' };
  const candidates = publicKeys.filter((k) => typeof k.kid === 'string' && keyRef(k.kid) === ref && k.kty === 'EC' && k.crv === 'P-256');
  if (candidates.length === 0) return { ok: false, problem: 'unknown key' };
  const signed = new TextEncoder().encode(SIGNED_PREFIX + token.slice(0, token.lastIndexOf(':')));
  for (const jwk of candidates) {
    try {
      const publicKey = await importJWK({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, 'ES256') as CryptoKey;
      if (await SUBTLE.verify(ECDSA, publicKey, signature, signed)) {
        const nbf = base32ToNumber(from)!;
        const pid = normalizePassId(id)!;
        return { ok: true, claims: { pid, nbf, exp: nbf + base32ToNumber(length)! * 60, kid: jwk.kid! } };
      }
    } catch {
      // a malformed published key verifies nothing
    }
  }
  return { ok: false, problem: 'signature does not match' };
}
