import { createHash, timingSafeEqual } from 'crypto';
import * as z from 'zod';
import { Unavailable } from './errors';
import { PASS_ENV } from './settings';

/**
 * Identity evidence, checked by a pluggable verifier. A registration names a document (type and
 * number), the person's name and date of birth, and carries `identityEvidence`: what the identity
 * service's check of that person gave them (on a real service, the result of a document and
 * face check, a chip read, or a bank or government sign-in). The verifier says whether the
 * evidence proves that this person holds this document; the pass service never trusts a typed
 * document number on its own, so nobody can register, or be listed under, a document that is
 * not theirs.
 */
export interface IdentityClaim {
  readonly nationalIdType: string;
  readonly nationalIdNumber: string;
  readonly name: string;
  readonly dateOfBirth: string;
  readonly evidence: string;
}

export type IdentityVerdict =
  | { readonly verified: true; readonly provider: string; readonly reference: string }
  | { readonly verified: false; readonly why: string };

/** Checks identity evidence. Throws `Unavailable` when the provider cannot answer (nothing is stored). */
export interface IdentityVerifier {
  verify(claim: IdentityClaim): Promise<IdentityVerdict>;
}

/** One document the local stub's register holds, with the code its holder (and only they) can show. */
export interface StubDocument {
  readonly nationalIdType: string;
  readonly nationalIdNumber: string;
  readonly name: string;
  readonly dateOfBirth: string;
  /** The evidence its holder presents (on a real service: what the document and face check returns). */
  readonly code: string;
}

const StubRegister = z.array(z.object({
  nationalIdType: z.string(), nationalIdNumber: z.string(), name: z.string(), dateOfBirth: z.string(), code: z.string(),
}));

const sameName = (a: string, b: string) => a.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim() === b.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();

function sameCode(a: string, b: string): boolean {
  const [x, y] = [createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest()];
  return timingSafeEqual(x, y);
}

/**
 * The local stand-in for an identity provider: a register of documents, each with its holder's
 * name, date of birth and the code only the holder has. Local runs and tests only; it is chosen
 * when `PASS_IDENTITY_STUB_REGISTER` (JSON, read on each check so a test can add documents) is set.
 */
export class StubIdentityVerifier implements IdentityVerifier {
  constructor(private readonly register: () => StubDocument[]) {}

  async verify(claim: IdentityClaim): Promise<IdentityVerdict> {
    const doc = this.register().find((d) => d.nationalIdType === claim.nationalIdType && d.nationalIdNumber === claim.nationalIdNumber);
    if (!doc) return { verified: false, why: 'the identity register does not know this document' };
    if (!sameName(doc.name, claim.name) || doc.dateOfBirth !== claim.dateOfBirth || !sameCode(doc.code, claim.evidence)) {
      return { verified: false, why: 'the evidence does not prove that this person holds this document' };
    }
    return { verified: true, provider: 'local-stub', reference: `stub:${claim.nationalIdType}:${claim.nationalIdNumber}` };
  }
}

const ProviderAnswer = z.object({ verified: z.boolean(), reference: z.string().max(200).optional(), reason: z.string().max(500).optional() });

/**
 * A real identity provider over HTTPS (`PASS_IDENTITY_VERIFIER_URL`): the integration point. The
 * pass service POSTs the claim (`{ document: { type, number }, name, dateOfBirth, evidence }`) and
 * expects `{ verified, reference?, reason? }`, where `reference` is the provider's case or
 * transaction id, kept with the registration for audit. Timeouts and 5xx answers are 503 to the
 * citizen (nothing stored, try again); the provider's own rules (document validity, face match,
 * liveness, fraud signals) decide `verified`. A provider whose API differs is adapted here.
 */
export class HttpIdentityVerifier implements IdentityVerifier {
  constructor(private readonly url: string, private readonly timeoutMs = 3000) {}

  async verify(claim: IdentityClaim): Promise<IdentityVerdict> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          document: { type: claim.nationalIdType, number: claim.nationalIdNumber },
          name: claim.name,
          dateOfBirth: claim.dateOfBirth,
          evidence: claim.evidence,
        }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch {
      throw new Unavailable('The identity service cannot be reached; nothing was stored, please try again');
    }
    if (res.status >= 500) throw new Unavailable('The identity service is unavailable; nothing was stored, please try again');
    const answer = ProviderAnswer.safeParse(await res.json().catch(() => undefined));
    if (!res.ok || !answer.success) throw new Unavailable('The identity service gave an answer this service does not understand; nothing was stored');
    return answer.data.verified
      ? { verified: true, provider: new URL(this.url).host, reference: answer.data.reference ?? '' }
      : { verified: false, why: answer.data.reason ?? 'the identity service could not confirm this person holds this document' };
  }
}

/** Refuses every registration: a deployment without an identity provider registers nobody (secure by default). */
export class UnconfiguredIdentityVerifier implements IdentityVerifier {
  async verify(): Promise<IdentityVerdict> {
    throw new Unavailable('Identity checks are not configured for this service yet; nothing was stored');
  }
}

/** The verifier the environment names: the provider's URL, else the local stub's register, else none. */
export function identityVerifierFromEnv(): IdentityVerifier {
  const url = process.env[PASS_ENV.IDENTITY_VERIFIER_URL];
  if (url) return new HttpIdentityVerifier(url);
  if (process.env[PASS_ENV.IDENTITY_STUB_REGISTER] !== undefined) {
    return new StubIdentityVerifier(() => StubRegister.parse(JSON.parse(process.env[PASS_ENV.IDENTITY_STUB_REGISTER] ?? '[]')));
  }
  return new UnconfiguredIdentityVerifier();
}
