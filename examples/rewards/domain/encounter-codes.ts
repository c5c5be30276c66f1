import { randomUUID } from 'crypto';
// jose 6 is an ES module only: the type-only import says so to TypeScript's CommonJS output, and
// Node.js >= 20.19 (and the handlers' esbuild bundle) load it with require().
import type * as Jose from 'jose' with { 'resolution-mode': 'import' };
import { Refusal } from './errors';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { errors: joseErrors, jwtVerify, SignJWT }: typeof Jose = require('jose');

/**
 * Encounter codes: what a civilian's app shows as a QR code when location is off, and an officer
 * presents to the scoring API. A code is a JWT signed with HMAC-SHA-256 (a key only the API holds),
 * naming the civilian (`sub`), a nonce (`jti`) and an expiry minutes away. Signing and checking
 * are here; that a nonce is used once is a conditional write in the transaction that applies the
 * encounter (storage/ledger-repository.ts).
 */

const ISSUER = 'rewards';
const AUDIENCE = 'rewards:encounter';
const ALGORITHM = 'HS256';

/** A signed encounter code. */
export interface EncounterCode {
  readonly code: string;
  readonly nonce: string;
  readonly civilianId: string;
  readonly expiresAt: Date;
}

/** What a valid code proves: which civilian, which nonce, until when. */
export interface VerifiedCode {
  readonly civilianId: string;
  readonly nonce: string;
  readonly expiresAt: Date;
}

/** A new code for `civilianId`, valid `minutes` from `now`. */
export async function issueEncounterCode(key: Uint8Array, civilianId: string, minutes: number, now: Date = new Date()): Promise<EncounterCode> {
  const nonce = randomUUID();
  const issuedAt = Math.floor(now.getTime() / 1000);
  const expires = issuedAt + Math.round(minutes * 60);
  const code = await new SignJWT({})
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(civilianId)
    .setJti(nonce)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expires)
    .sign(key);
  return { code, nonce, civilianId, expiresAt: new Date(expires * 1000) };
}

/**
 * Checks a presented code at `now`: refused (422, with the reason) when it has expired, when its
 * signature does not match (altered, or signed with another key) or when it is not an encounter
 * code at all. Writes nothing.
 */
export async function verifyEncounterCode(key: Uint8Array, code: string, now: Date = new Date()): Promise<VerifiedCode> {
  try {
    const { payload } = await jwtVerify(code, key, {
      issuer: ISSUER, audience: AUDIENCE, algorithms: [ALGORITHM], currentDate: now, clockTolerance: 0,
    });
    if (typeof payload.sub !== 'string' || typeof payload.jti !== 'string' || typeof payload.exp !== 'number') throw new joseErrors.JWTInvalid('missing claims');
    return { civilianId: payload.sub, nonce: payload.jti, expiresAt: new Date(payload.exp * 1000) };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) {
      const exp = typeof error.payload.exp === 'number' ? new Date(error.payload.exp * 1000).toISOString() : 'earlier';
      throw new Refusal('rule', 'CodeExpired', `code: the encounter code expired at ${exp}; ask the civilian for a new one`, { field: 'code' });
    }
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
      throw new Refusal('rule', 'CodeAltered', 'code: the encounter code\'s signature does not match its content (altered or not issued here)', { field: 'code' });
    }
    if (error instanceof joseErrors.JOSEError) {
      throw new Refusal('rule', 'CodeInvalid', `code: not an encounter code (${error.code})`, { field: 'code' });
    }
    throw error;
  }
}
