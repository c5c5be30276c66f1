import { getParameter, setParameter } from '@aws-lambda-powertools/parameters/ssm';
import { secretValue } from '@cdk-rampart/lambda-kit';
import * as z from 'zod';
import type { JWK } from './jose';
import { shareRegionKeysOnce } from './region-keys';
import { placementFromEnv } from './regions';
import { PASS_ENV } from './settings';
import { signingKeyFrom, type SigningKey } from './signing';
import { storeFromEnv } from '../storage/table';

/**
 * The pass signing keys and their public half.
 *
 * The secret (Secrets Manager, read by the signers only: the rules worker and the decision route)
 * holds one key, or a key set `{"keys": [k1, k2, ...]}` oldest first, each a private EC P-256 JWK or
 * a random value a key is derived from (see `signingKeyFrom`). The public keys are published in a
 * plain SSM parameter (no secret in it) that the public routes read: `GET /keys` and `POST /verify`
 * never see a private key.
 *
 * The signers publish: whenever the parameter lacks a key of the secret, or lists one the secret no
 * longer has, the next signer to run writes it anew, noting when each key was first published. A new
 * key signs only once it has been published for `PUBLISH_LEAD_MS` (longer than every reader's cache,
 * the edge's hour on `GET /keys` included); until then the newest key published long enough signs.
 * So several keys are valid at once, new passes carry the newest key's `kid`, and no reader ever
 * meets a `kid` it could not have fetched. A key removed from the secret (retired) disappears from
 * the parameter at the next signing, and its passes no longer verify.
 */

/** How long a key must have been published before it signs: the edge's hour on `GET /keys`, and margin. */
export const PUBLISH_LEAD_MS = 65 * 60_000;

/** How long the public routes keep the parameter's value: well inside `PUBLISH_LEAD_MS`. */
const PUBLIC_KEYS_MAX_AGE_SECONDS = 60;

/** What the public keys parameter holds. */
export const PublishedKeysSchema = z.object({
  /** The public JWKs (kid, alg, use), oldest first. */
  keys: z.array(z.object({ kid: z.string(), kty: z.string() }).loose()),
  /** When each key (by kid) was first published (ISO 8601). */
  published: z.record(z.string(), z.string()),
});
export type PublishedKeys = { readonly keys: JWK[]; readonly published: Record<string, string> };

/** Nothing published yet: the parameter's value when the stack creates it. */
export const NOTHING_PUBLISHED: PublishedKeys = { keys: [], published: {} };

const KeySetSecret = z.object({ keys: z.array(z.union([z.string().min(32), z.object({ kty: z.literal('EC') }).loose()])).min(1) });

/** Every key of the secret's value, oldest first: a key set, or one key (a JWK or a random value). */
export async function signingKeysFrom(secret: string): Promise<SigningKey[]> {
  const value = secret.trim();
  if (value.startsWith('{') && /"keys"\s*:/.test(value)) {
    const parsed = KeySetSecret.safeParse(JSON.parse(value));
    if (!parsed.success) throw new Error('Signing key secret: a key set is {"keys": [...]}, each a private EC P-256 JWK or a random value of at least 32 characters');
    return Promise.all(parsed.data.keys.map((k) => signingKeyFrom(typeof k === 'string' ? k : JSON.stringify(k))));
  }
  return [await signingKeyFrom(value)];
}

/**
 * The parameter's next value for these keys, or `undefined` when it already says exactly that:
 * the public keys of the secret, each with the time it was first published (now, for a new one).
 */
export function publicationOf(keys: SigningKey[], current: PublishedKeys, now: Date): PublishedKeys | undefined {
  const kids = keys.map((k) => k.kid);
  const same = current.keys.length === kids.length && current.keys.every((k, i) => k.kid === kids[i]);
  if (same) return undefined;
  const published: Record<string, string> = {};
  for (const kid of kids) published[kid] = current.published[kid] ?? now.toISOString();
  return { keys: keys.map((k) => k.publicJwk), published };
}

/**
 * The key new passes are signed with: the newest one published for at least `PUBLISH_LEAD_MS`; when
 * none is (a fresh deployment), the newest of those published first.
 */
export function signingKeyOf(keys: SigningKey[], published: PublishedKeys, now: Date): SigningKey {
  const since = (k: SigningKey) => Date.parse(published.published[k.kid] ?? '');
  const listed = keys.filter((k) => !Number.isNaN(since(k)));
  const settled = listed.filter((k) => now.getTime() - since(k) >= PUBLISH_LEAD_MS);
  if (settled.length > 0) return settled[settled.length - 1];
  const earliest = Math.min(...listed.map(since));
  return listed.filter((k) => since(k) === earliest).pop() ?? keys[keys.length - 1];
}

// Reading and publishing, for the handlers (the functions above are pure, for tests).

/** The public keys from the parameter named in `PASS_PUBLIC_KEYS_PARAM` (cached one minute). */
export async function loadPublishedKeys(options: { fresh?: boolean } = {}): Promise<PublishedKeys> {
  const name = process.env[PASS_ENV.PUBLIC_KEYS_PARAM];
  if (!name) throw new Error(`Configuration: environment variable ${PASS_ENV.PUBLIC_KEYS_PARAM} is not set (bind the public keys parameter to this function)`);
  const value = await getParameter(name, { transform: 'json', maxAge: PUBLIC_KEYS_MAX_AGE_SECONDS, forceFetch: options.fresh ?? false });
  return PublishedKeysSchema.parse(value) as PublishedKeys;
}

let cachedKeys: { secret: string; keys: Promise<SigningKey[]> } | undefined;

/**
 * For the signers: the secret's keys (value cached 5 minutes, keys per value), published first if
 * the parameter does not list exactly them, and the one to sign with now.
 */
export async function loadSigningKeys(now = new Date()): Promise<{ signWith: SigningKey; keys: SigningKey[] }> {
  const secret = await secretValue(PASS_ENV.SIGNING_KEY_SECRET);
  if (cachedKeys?.secret !== secret) cachedKeys = { secret, keys: signingKeysFrom(secret) };
  const keys = await cachedKeys.keys;
  let published = await loadPublishedKeys();
  const next = publicationOf(keys, published, now);
  if (next) {
    // Read again before writing: another signer may have published these keys already (keep its times).
    published = await loadPublishedKeys({ fresh: true });
    const still = publicationOf(keys, published, now);
    if (still) {
      await setParameter(process.env[PASS_ENV.PUBLIC_KEYS_PARAM]!, { value: JSON.stringify(still), overwrite: true });
      published = still;
      await loadPublishedKeys({ fresh: true });
    }
  }
  // Multi-region: the other regions verify with these keys too.
  if (placementFromEnv()) await shareRegionKeysOnce(storeFromEnv(), published);
  return { signWith: signingKeyOf(keys, published, now), keys };
}
