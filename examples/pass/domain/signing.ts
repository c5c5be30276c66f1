import { createECDH, createHash } from 'crypto';
import * as z from 'zod';
import { jose, type JWK } from './jose';

const { calculateJwkThumbprint, compactVerify, importJWK, SignJWT } = jose;

/** The key approved passes are signed with (ES256: ECDSA on P-256 with SHA-256). */
export interface SigningKey {
  /** The private key, for jose. */
  readonly privateKey: CryptoKey | Uint8Array;
  /** The public half as a JWK with `kid`, `alg` and `use`: what the site publishes for offline checks. */
  readonly publicJwk: JWK;
  /** Key id: the RFC 7638 thumbprint of the public key. */
  readonly kid: string;
}

/** What a signed pass says: enough for a police officer's offline check, nothing more. */
export interface PassClaims {
  /** The pass number. */
  readonly pid: string;
  /** The holder's name. */
  readonly name: string;
  /** Route: from district and to district. */
  readonly from: string;
  readonly to: string;
  /** Validity (epoch seconds). */
  readonly nbf: number;
  readonly exp: number;
  readonly iat: number;
}

const Claims = z.object({
  pid: z.string().min(1).max(40),
  name: z.string().max(200),
  from: z.string().max(60),
  to: z.string().max(60),
  nbf: z.number().int(),
  exp: z.number().int(),
  iat: z.number().int(),
});

/** The media type of a pass token (JWS `typ`), so no other token signed with the key passes for one. */
export const PASS_TOKEN_TYPE = 'pass+jwt';

// The order of the P-256 group.
const P256_N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

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

/** A compact JWS (ES256) of the pass's claims: the QR payload. */
export async function signPass(key: SigningKey, claims: PassClaims): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: PASS_TOKEN_TYPE })
    .sign(key.privateKey);
}

/** The result of checking a token's signature: its claims, or why it is not ours. */
export type TokenCheck = { readonly ok: true; readonly claims: PassClaims } | { readonly ok: false; readonly problem: string };

/**
 * Checks a pass token against the published public keys (by `kid`): the signature, the algorithm,
 * the type and the shape of the claims. Time is not judged here (the caller compares with the
 * stored pass, or with `nbf`/`exp` offline). Anything wrong means the token was altered or forged.
 */
export async function checkPassToken(token: string, publicKeys: JWK[]): Promise<TokenCheck> {
  try {
    const { payload, protectedHeader } = await compactVerify(token, async (header) => {
      const jwk = publicKeys.find((k) => k.kid === header.kid);
      if (!jwk || header.alg !== 'ES256') throw new Error('unknown key or algorithm');
      return importJWK(jwk, 'ES256');
    }, { algorithms: ['ES256'] });
    if (protectedHeader.typ !== PASS_TOKEN_TYPE) return { ok: false, problem: 'not a pass token' };
    const parsed = Claims.safeParse(JSON.parse(new TextDecoder().decode(payload)));
    if (!parsed.success) return { ok: false, problem: 'claims are not those of a pass' };
    return { ok: true, claims: parsed.data };
  } catch (error) {
    return { ok: false, problem: (error as Error).message || 'signature check failed' };
  }
}
