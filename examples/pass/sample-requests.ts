import type { StubDocument } from './domain/identity';

/**
 * Valid request bodies for the movement pass's API, as the local run, the tests and the benchmarks
 * send them: a registration whose document the local stub identity provider knows (with the code
 * its holder shows), and an application for the applicant alone.
 */

const normalised = (nationalIdNumber: string) => nationalIdNumber.toUpperCase().replace(/[\s-]/g, '');

/** The evidence the holder of a document shows the local stub identity provider (its code in the stub's register). */
export const evidenceOf = (nationalIdNumber: string) => `holder-of-${normalised(nationalIdNumber)}`;

/**
 * A valid registration body (Ada's by default) with its holder's evidence (unless
 * `identityEvidence` is overridden), and the document the stub identity provider must hold for it
 * to pass: add it with `PassLocal.addDocument` or to the `PASS_IDENTITY_STUB_REGISTER` register.
 */
export function registrationRequest(overrides: Record<string, unknown> = {}): { body: Record<string, unknown>; document: StubDocument } {
  const body: Record<string, unknown> = {
    name: 'Ada Citizen', dateOfBirth: '1980-02-29', nationalIdType: 'national-id', nationalIdNumber: 'AB123456', phone: '+441632960961', district: 'north', ...overrides,
  };
  const number = normalised(String(body.nationalIdNumber));
  const [nationalIdType, name, dateOfBirth] = [body.nationalIdType, body.name, body.dateOfBirth].map(String);
  return {
    body: { identityEvidence: evidenceOf(number), ...body },
    document: { nationalIdType, nationalIdNumber: number, name, dateOfBirth, code: evidenceOf(number) },
  };
}

/** A valid application starting in an hour, for the applicant alone. */
export function applicationBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    travellers: [{ kind: 'applicant' }],
    from: { address: '1 High Street', district: 'north' },
    to: { address: 'General Hospital, Ward 4', district: 'central' },
    startTime: new Date(Date.now() + 3600_000).toISOString(),
    durationMinutes: 120,
    reason: 'medical',
    ...overrides,
  };
}
