import { createHash, timingSafeEqual } from 'crypto';
import * as fs from 'fs';
import * as z from 'zod';
import { Refusal } from './errors';

/**
 * Identity checks, behind a pluggable verifier. A sign-up names a document (type and number) and
 * the name on it, and carries `evidence`: what the identity provider's check gave the person's app
 * (on a real provider: a document and face check, a chip read, a bank or government sign-in). The
 * verifier says whether the evidence proves this person holds this document; a typed document
 * number alone is never trusted.
 *
 * The integration point for a real provider is `httpsVerifier(url)`: it POSTs the claim as JSON
 * and reads `{ verified: true, reference }` or `{ verified: false, reason }`. Any provider is one
 * class implementing `IdVerifier`.
 */
export interface IdentityClaim {
  readonly documentType: string;
  readonly documentNumber: string;
  readonly name: string;
  readonly evidence: string;
}

export type IdentityVerdict =
  | { readonly verified: true; readonly reference: string }
  | { readonly verified: false; readonly reason: string };

/** Checks identity evidence; throws a `busy` refusal (503) when the provider cannot answer. */
export interface IdVerifier {
  verify(claim: IdentityClaim): Promise<IdentityVerdict>;
}

const FixtureFile = z.object({
  documents: z.array(z.object({ documentType: z.string(), documentNumber: z.string(), name: z.string(), evidence: z.string() })),
});

function sameText(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** The local stub: passes a claim that matches an entry of a fixture file (fixtures/identities.json). */
export function fixtureVerifier(file: string): IdVerifier {
  const { documents } = FixtureFile.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  return {
    async verify(claim) {
      const found = documents.find((d) => d.documentType === claim.documentType && d.documentNumber === claim.documentNumber);
      if (!found) return { verified: false, reason: 'the document is not known to the identity provider' };
      if (found.name.toLowerCase() !== claim.name.trim().toLowerCase()) return { verified: false, reason: 'the name does not match the document' };
      if (!sameText(found.evidence, claim.evidence)) return { verified: false, reason: 'the evidence does not prove this person holds the document' };
      return { verified: true, reference: `fixture:${createHash('sha256').update(`${claim.documentType}:${claim.documentNumber}`).digest('hex').slice(0, 16)}` };
    },
  };
}

const Verdict = z.union([
  z.object({ verified: z.literal(true), reference: z.string().min(1).max(200) }),
  z.object({ verified: z.literal(false), reason: z.string().max(500) }),
]);

/** A real provider over HTTPS: POST the claim as JSON, a verdict back, within `timeoutMs`. */
export function httpsVerifier(url: string, timeoutMs = 3000): IdVerifier {
  if (!url.startsWith('https://')) throw new Error(`The ID verifier URL must be https://, not ${url}`);
  return {
    async verify(claim) {
      let res: Response;
      try {
        res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(claim), signal: AbortSignal.timeout(timeoutMs) });
      } catch {
        throw new Refusal('busy', 'VerifierUnavailable', 'The identity provider did not answer; nothing was stored, try again shortly');
      }
      if (res.status >= 500 || res.status === 429) throw new Refusal('busy', 'VerifierUnavailable', 'The identity provider is busy; nothing was stored, try again shortly');
      const parsed = Verdict.safeParse(await res.json().catch(() => undefined));
      if (!parsed.success) throw new Error(`The identity provider answered ${res.status} with an unexpected body`);
      return parsed.data;
    },
  };
}
