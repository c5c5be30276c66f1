import type * as Jose from 'jose' with { 'resolution-mode': 'import' };
import { POLICE, PUBLIC_KEYS_PARAM, routeGroups, startPassRig, type PassRig } from './pass-support';
import { loadSigningKeys, PUBLISH_LEAD_MS, type PublishedKeys } from '../../examples/pass/domain/key-set';
import { keyRef, signPass, type SigningKey } from '../../examples/pass/domain/signing';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const jose = require('jose') as typeof Jose;

// A key rotation by kid, through the real paths: the signers read the key set from the secret and
// publish the public keys to the parameter (LocalAws); GET /keys and POST /verify read that
// parameter only. A pass the table does not hold answers `unknown` when its signature checks out,
// and `tampered` when it does not: that is how the tests tell a key that verifies from one that does not.

let rig: PassRig;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { clearCaches } = require('@aws-lambda-powertools/parameters') as { clearCaches: () => void };

beforeAll(async () => {
  rig = await startPassRig(routeGroups());
});
afterAll(() => rig?.destroy());

async function privateJwk(): Promise<Jose.JWK> {
  const { privateKey } = await jose.generateKeyPair('ES256', { extractable: true });
  return jose.exportJWK(privateKey);
}

function published(): PublishedKeys {
  return JSON.parse(rig.aws.parameters.get(PUBLIC_KEYS_PARAM)!);
}

/** As if `ms` had passed since every key was published. */
function age(ms: number): void {
  const value = published();
  for (const kid of Object.keys(value.published)) value.published[kid] = new Date(Date.parse(value.published[kid]) - ms).toISOString();
  rig.aws.parameters.set(PUBLIC_KEYS_PARAM, JSON.stringify(value));
  clearCaches();
}

async function passSignedWith(key: SigningKey, pid: string): Promise<string> {
  const nbf = Math.floor(Date.now() / 60_000) * 60 - 60;
  return signPass(key, { pid, nbf, exp: nbf + 3600 });
}

async function verify(qr: string): Promise<string> {
  clearCaches();
  const answer = await rig.call('verify', { method: 'POST', resource: '/verify', as: POLICE, body: { qr, checkpoint: 'A1 junction 4' } });
  expect(answer.status).toBe(200);
  return answer.body.result;
}

async function publishedKids(): Promise<string[]> {
  clearCaches();
  const answer = await rig.call('keys', { method: 'GET', resource: '/keys' });
  expect(answer.status).toBe(200);
  return answer.body.keys.map((k: { kid: string }) => k.kid);
}

test('rotation by kid: publish the new key first, sign with it once every cache has seen it, retire the old one', async () => {
  const [a, b] = [await privateJwk(), await privateJwk()];

  // One key: the first signer publishes it and signs with it at once (a fresh deployment).
  rig.setSigningSecret(JSON.stringify({ keys: [a] }));
  const first = await loadSigningKeys();
  const kidA = first.signWith.kid;
  expect(await publishedKids()).toEqual([kidA]);
  const oldPass = await passSignedWith(first.signWith, '7K3M-9Q2R-4T6V');
  expect(await verify(oldPass)).toBe('unknown');

  // Rotation: the new key joins the set. It is published at once, but the old key still signs.
  rig.setSigningSecret(JSON.stringify({ keys: [a, b] }));
  const during = await loadSigningKeys();
  const kidB = during.keys[1].kid;
  expect(kidB).not.toBe(kidA);
  expect(await publishedKids()).toEqual([kidA, kidB]);
  expect(during.signWith.kid).toBe(kidA);

  // Once the new key has been published longer than any cache keeps the old list, it signs.
  age(PUBLISH_LEAD_MS + 1000);
  const after = await loadSigningKeys();
  expect(after.signWith.kid).toBe(kidB);
  const newPass = await passSignedWith(after.signWith, '8H4N-2W5X-3Y7Z');
  // The QR text names its key by a digest of the kid.
  expect(newPass.split(':')[1]).toBe(keyRef(kidB));
  expect(oldPass.split(':')[1]).toBe(keyRef(kidA));
  // Both keys are valid at once: old passes still verify, new ones too.
  expect(await verify(oldPass)).toBe('unknown');
  expect(await verify(newPass)).toBe('unknown');
  // Publishing kept each key's first publication time (it did not restart the lead).
  expect(Object.keys(published().published)).toEqual([kidA, kidB]);

  // Retirement: the old key leaves the secret; the next signer withdraws it from the public keys,
  // and a pass it signed no longer verifies, while the new key's passes do.
  rig.setSigningSecret(JSON.stringify({ keys: [b] }));
  expect((await loadSigningKeys()).signWith.kid).toBe(kidB);
  expect(await publishedKids()).toEqual([kidB]);
  expect(await verify(oldPass)).toBe('tampered');
  expect(await verify(newPass)).toBe('unknown');
});

test('a signer reading the set again publishes nothing new; a single-key secret (the generated value) still works', async () => {
  rig.setSigningSecret('x'.repeat(20) + 'a-generated-secret-value-of-64-characters-or-so');
  const { signWith } = await loadSigningKeys();
  const before = rig.aws.parameters.get(PUBLIC_KEYS_PARAM);
  await loadSigningKeys();
  expect(rig.aws.parameters.get(PUBLIC_KEYS_PARAM)).toBe(before);
  expect(await publishedKids()).toEqual([signWith.kid]);
  expect(await verify(await passSignedWith(signWith, '9J5P-3X6Y-4Z8A'))).toBe('unknown');
});
