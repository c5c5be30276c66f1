import { randomUUID } from 'crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { Caller } from './caller';
import { dayOf, normalizePassId, randomShard } from './ids';
import type { JWK } from './jose';
import { keys } from './keys';
import { PassItem, StoredTraveller, VerifyBody } from './model';
import { readPass } from './passes';
import { AUDIT_SHARDS } from './settings';
import { checkPassToken } from './signing';
import type { PassStore } from '../storage/table';

/** The answer of a roadside check. */
export const CHECK_RESULTS = ['valid', 'expired', 'not-yet-valid', 'revoked', 'not-approved', 'unknown', 'tampered'] as const;
export type CheckResult = (typeof CHECK_RESULTS)[number];

export interface CheckAnswer {
  readonly result: CheckResult;
  readonly checkId: string;
  readonly checkedAt: string;
  readonly passId?: string;
  /** For a valid pass: who may travel, where and until when. */
  readonly pass?: {
    readonly holderName: string;
    readonly holderDocument?: DocumentHint;
    /** What an officer matches each person in front of them against. */
    readonly travellers: TravellerHint[];
    readonly from: PassItem['from'];
    readonly to: PassItem['to'];
    readonly validFrom: string;
    readonly validUntil: string;
    readonly vehicle?: PassItem['vehicle'];
    readonly reason: PassItem['reason'];
  };
}

/** A document as a roadside check shows it: its type and last 4 characters, never the whole number. */
export interface DocumentHint {
  readonly type: string;
  readonly last: string;
}

export interface TravellerHint {
  readonly name: string;
  readonly kind: StoredTraveller['kind'];
  /** Applicant and registered travellers: the document to ask for. */
  readonly document?: DocumentHint;
  /** Dependants without an ID: their date of birth, and that the holder vouches for them. */
  readonly dateOfBirth?: string;
}

/** The last characters of a document number: 4, and never more than half of a short one. */
export function documentHint(type: string, number: string): DocumentHint {
  return { type, last: number.slice(-Math.min(4, Math.floor(number.length / 2))) };
}

/** The travellers as a roadside check shows them (pure). */
export function travellerHints(travellers: StoredTraveller[]): TravellerHint[] {
  return travellers.map((t) => {
    if (t.kind === 'dependant') return { name: t.name, kind: t.kind, dateOfBirth: t.dateOfBirth };
    const document = t.nationalIdType && t.nationalIdNumber ? documentHint(t.nationalIdType, t.nationalIdNumber) : undefined;
    return { name: t.name, kind: t.kind, document };
  });
}

function judge(pass: PassItem | undefined, now: Date): CheckResult {
  if (!pass) return 'unknown';
  if (pass.status === 'revoked') return 'revoked';
  if (pass.status !== 'approved') return 'not-approved';
  const t = now.toISOString();
  if (t < pass.startTime) return 'not-yet-valid';
  if (t >= pass.endTime) return 'expired';
  return 'valid';
}

/**
 * A police check of a pass by its QR payload (the signed token) or its number. The token's
 * signature is checked first (altered or forged → `tampered`, whatever the table says), then the
 * stored pass decides: missing → `unknown`, revoked → `revoked`, not approved → `not-approved`,
 * outside its window → `not-yet-valid` / `expired`. A token that is genuine but no longer the
 * pass's current one (re-signed since) counts as `revoked`. Every check, whatever its result, is
 * written to the audit log (who checked, where, when, what they presented, what they were told).
 */
export async function checkPass(
  store: PassStore, publicKeys: JWK[], caller: Caller, body: z.output<typeof VerifyBody>, sourceIp: string, now = new Date(),
): Promise<CheckAnswer> {
  let result: CheckResult;
  let pass: PassItem | undefined;
  let passId: string | undefined;
  if (body.qr !== undefined) {
    const check = await checkPassToken(body.qr, publicKeys);
    if (!check.ok) {
      result = 'tampered';
    } else {
      passId = check.claims.pid;
      pass = await readPass(store.client, store.tableName, passId);
      result = pass && pass.token !== undefined && pass.token !== body.qr && pass.status === 'approved' ? 'revoked' : judge(pass, now);
    }
  } else {
    passId = normalizePassId(body.passNumber!);
    pass = passId ? await readPass(store.client, store.tableName, passId) : undefined;
    result = judge(pass, now);
  }

  const checkId = randomUUID();
  const checkedAt = now.toISOString();
  await store.client.send(new PutCommand({
    TableName: store.tableName,
    Item: {
      ...keys.check(dayOf(now), randomShard(AUDIT_SHARDS), checkedAt, checkId),
      type: 'check',
      checkId,
      checkedAt,
      officer: { sub: caller.sub, name: caller.name },
      checkpoint: body.checkpoint,
      latitude: body.latitude,
      longitude: body.longitude,
      sourceIp,
      presented: body.qr !== undefined ? 'qr' : 'number',
      passId: pass ? pass.passId : passId,
      result,
    },
  }));

  return {
    result,
    checkId,
    checkedAt,
    passId: pass?.passId,
    pass: result === 'valid' && pass ? {
      holderName: pass.holderName,
      holderDocument: pass.holderDocument ? documentHint(pass.holderDocument.nationalIdType, pass.holderDocument.nationalIdNumber) : undefined,
      travellers: travellerHints(pass.travellers),
      from: pass.from,
      to: pass.to,
      validFrom: pass.startTime,
      validUntil: pass.endTime,
      vehicle: pass.vehicle,
      reason: pass.reason,
    } : undefined,
  };
}
