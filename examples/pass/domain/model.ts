// `import * as` lets a browser bundle (the web pages import these schemas) leave out zod's unused locales.
import * as z from 'zod';
import { normalizePassId, PASS_QR } from './pass-number';
import { DEPENDANT_MAX_AGE_YEARS, MAX_DEPENDANTS_PER_PASS } from './settings';

/** Why someone travels. */
export const REASONS = ['medical', 'groceries', 'work', 'emergency', 'funeral', 'other'] as const;
export type Reason = (typeof REASONS)[number];

/** Kinds of identity document a registration or a traveller names. */
export const NATIONAL_ID_TYPES = ['national-id', 'passport', 'residence-permit'] as const;

export const VEHICLE_KINDS = ['car', 'motorcycle', 'van', 'truck', 'bicycle', 'other'] as const;

/** A pass's life: pending (queued for the rules) → approved / rejected / needs-review → (approved) revoked. */
export const PASS_STATUSES = ['pending', 'approved', 'rejected', 'needs-review', 'revoked'] as const;
export type PassStatus = (typeof PASS_STATUSES)[number];

/** Longest pass anyone may ask for; the rules set shorter limits per reason. */
export const MAX_DURATION_MINUTES = 24 * 60;
/** How far ahead a pass may start. */
export const MAX_START_AHEAD_MS = 7 * 24 * 3600 * 1000;
/** How far in the past a start time may lie (clock skew, a form filled in slowly). */
export const MAX_START_BEHIND_MS = 15 * 60 * 1000;
/** Largest JSON body any route accepts. */
export const MAX_BODY_BYTES = 16 * 1024;

const personName = z.string().trim().min(1, 'required').max(100, 'at most 100 characters')
  .regex(/^[\p{L}\p{M}][\p{L}\p{M} .'-]*$/u, "letters, spaces and . ' - only");
/** Free text (addresses, notes): no markup characters, no control characters. */
const text = (min: number, max: number) => z.string().trim().min(min, min === 1 ? 'required' : `at least ${min} characters`)
  .max(max, `at most ${max} characters`).regex(/^[^<>\p{Cc}]*$/u, 'no < > or control characters');
export const district = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, 'a district code: lowercase letters, digits and hyphens, up to 40');
const nationalIdType = z.enum(NATIONAL_ID_TYPES);
/** Spaces, hyphens and case do not make another document number. */
const nationalIdNumber = z.string().max(40, 'at most 40 characters')
  .transform((s) => s.toUpperCase().replace(/[\s-]/g, ''))
  .pipe(z.string().regex(/^[A-Z0-9]{4,20}$/, '4 to 20 letters or digits'));

const dateOfBirth = z.iso.date('a date, YYYY-MM-DD').refine((d) => {
  const t = Date.parse(`${d}T00:00:00Z`);
  return t < Date.now() && t > Date.now() - 130 * 365.25 * 24 * 3600 * 1000;
}, 'a date in the past (at most 130 years ago)');

/** Under `DEPENDANT_MAX_AGE_YEARS` today. */
function isMinor(date: string, now = Date.now()): boolean {
  const born = new Date(`${date}T00:00:00Z`);
  const adult = Date.UTC(born.getUTCFullYear() + DEPENDANT_MAX_AGE_YEARS, born.getUTCMonth(), born.getUTCDate());
  return now < adult;
}

export const RegistrationBody = z.strictObject({
  name: personName,
  dateOfBirth,
  nationalIdType,
  nationalIdNumber,
  phone: z.string().regex(/^\+[1-9]\d{6,14}$/, 'international format, e.g. +441632960961'),
  district,
  /** What the identity service's check of this person gave them (checked by the identity verifier; never stored). */
  identityEvidence: z.string().trim().min(4, 'the code from your identity check').max(4096, 'at most 4096 characters'),
  /** Move a verified identity from another account to this one (a lost account, or a document someone else registered). */
  claim: z.boolean().optional(),
});
export type RegistrationInput = z.output<typeof RegistrationBody>;
export type Registration = Omit<RegistrationInput, 'identityEvidence' | 'claim'>;

/**
 * Who travels on a pass. Never free text: the applicant themselves, a registered person (named by
 * their document) who has allowed this applicant to list them, or a dependant without an ID (a
 * child, declared by the applicant; at most `MAX_DEPENDANTS_PER_PASS`).
 */
export const Traveller = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('applicant') }),
  z.strictObject({ kind: z.literal('registered'), nationalIdType, nationalIdNumber }),
  z.strictObject({
    kind: z.literal('dependant'),
    name: personName,
    dateOfBirth: dateOfBirth.refine((d) => isMinor(d), `a dependant without an ID is under ${DEPENDANT_MAX_AGE_YEARS}`),
  }),
], { error: 'kind: applicant, registered or dependant' });
export type TravellerInput = z.output<typeof Traveller>;
const Place = z.strictObject({ address: text(3, 200), district });

const travellerKey = (t: TravellerInput) => (t.kind === 'applicant' ? 'applicant'
  : t.kind === 'registered' ? `${t.nationalIdType}#${t.nationalIdNumber}` : `dependant#${t.name.toLowerCase()}#${t.dateOfBirth}`);

export const PassBody = z.strictObject({
  travellers: z.array(Traveller).min(1, 'at least one traveller').max(6, 'at most 6 travellers')
    .refine((ts) => new Set(ts.map(travellerKey)).size === ts.length, 'each traveller once')
    .refine((ts) => ts.filter((t) => t.kind === 'dependant').length <= MAX_DEPENDANTS_PER_PASS, `at most ${MAX_DEPENDANTS_PER_PASS} dependants without an ID`),
  from: Place,
  to: Place,
  startTime: z.iso.datetime({ offset: true, error: 'a date and time with its offset, e.g. 2026-04-01T09:30:00+01:00' }),
  durationMinutes: z.number().int('a whole number of minutes').min(15, 'at least 15 minutes').max(MAX_DURATION_MINUTES, `at most ${MAX_DURATION_MINUTES} minutes`),
  reason: z.enum(REASONS),
  note: text(1, 500).optional(),
  vehicle: z.strictObject({
    registration: z.string().trim().toUpperCase().regex(/^[A-Z0-9][A-Z0-9 -]{1,11}$/, '2 to 12 letters, digits, spaces or hyphens'),
    kind: z.enum(VEHICLE_KINDS),
  }).optional(),
}).superRefine((body, ctx) => {
  if (body.reason === 'other' && !body.note) ctx.addIssue({ code: 'custom', path: ['note'], message: 'required when the reason is other' });
  const start = Date.parse(body.startTime);
  const now = Date.now();
  if (start < now - MAX_START_BEHIND_MS) ctx.addIssue({ code: 'custom', path: ['startTime'], message: 'must not lie in the past' });
  if (start > now + MAX_START_AHEAD_MS) ctx.addIssue({ code: 'custom', path: ['startTime'], message: 'at most 7 days ahead' });
});
export type PassApplication = z.output<typeof PassBody>;

export const PassIdParams = z.strictObject({
  passId: z.string().max(40).transform((s, ctx) => {
    const id = normalizePassId(s);
    if (!id) {
      ctx.addIssue({ code: 'custom', message: 'a pass number such as 7K3D-9QXA-2M4T' });
      return z.NEVER;
    }
    return id;
  }),
});

export const DecisionBody = z.strictObject({
  decision: z.enum(['approve', 'reject']),
  reason: text(3, 500),
});

export const RevokeBody = z.strictObject({ reason: text(3, 500) });

/** `POST /consents`: allow (or stop allowing) the holder of a document to list the caller as a traveller. */
export const ConsentBody = z.strictObject({
  applicant: z.strictObject({ nationalIdType, nationalIdNumber }),
  allow: z.boolean(),
});

/**
 * A coordinate in degrees, kept to 6 decimals (about 0.1 m): the audit log stores it in DynamoDB,
 * whose numbers cannot hold magnitudes below 1e-130 (a fuzzed -5e-324 failed the write).
 */
const degrees = (limit: number) => z.number().min(-limit).max(limit).transform((x) => Math.round(x * 1e6) / 1e6 + 0);

export const VerifyBody = z.strictObject({
  qr: z.string().max(200).regex(PASS_QR, 'the QR code text of a pass').optional(),
  passNumber: z.string().max(40).optional(),
  checkpoint: text(2, 100),
  latitude: degrees(90).optional(),
  longitude: degrees(180).optional(),
}).superRefine((b, ctx) => {
  if ((b.qr === undefined) === (b.passNumber === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['qr'], message: 'give exactly one of qr or passNumber' });
  }
  if ((b.latitude === undefined) !== (b.longitude === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['latitude'], message: 'give latitude and longitude together' });
  }
});

/** A traveller as the pass stores it: resolved from the registrations, never from the applicant's words. */
export interface StoredTraveller {
  readonly kind: 'applicant' | 'registered' | 'dependant';
  readonly name: string;
  /** The traveller's account (applicant and registered travellers). */
  readonly sub?: string;
  readonly nationalIdType?: string;
  readonly nationalIdNumber?: string;
  /** Dependants only. */
  readonly dateOfBirth?: string;
}

/** What a stored pass holds (the table item, less its keys). */
export interface PassItem {
  readonly passId: string;
  readonly ownerSub: string;
  readonly holderName: string;
  /** The applicant's verified document. */
  readonly holderDocument?: { nationalIdType: string; nationalIdNumber: string };
  readonly travellers: StoredTraveller[];
  readonly from: { address: string; district: string };
  readonly to: { address: string; district: string };
  readonly startTime: string;
  readonly endTime: string;
  readonly durationMinutes: number;
  readonly reason: Reason;
  readonly note?: string;
  readonly vehicle?: { registration: string; kind: string };
  readonly status: PassStatus;
  readonly createdAt: string;
  /** Multi-region only: the region the application was made in, the only one that decides, revokes and counts it. */
  readonly homeRegion?: string;
  readonly decidedAt?: string;
  readonly decidedBy?: { kind: 'rules' | 'reviewer'; sub?: string; name?: string };
  readonly decisionReason?: string;
  readonly token?: string;
  readonly revokedAt?: string;
  readonly revokedBy?: { sub: string; name: string };
  readonly revokeReason?: string;
}
