import { randomUUID } from 'crypto';
import * as z from 'zod';
import type { Caller } from './caller';
import { normalizePassId } from './ids';
import type { JWK } from './jose';
import { PassItem, VerifyBody } from './model';
import { documentHint, judge, judgeToken, travellerHints, type CheckResult, type DocumentHint, type TravellerHint } from './policies/roadside';
import { checkPassToken } from './signing';
import { AuditRepository } from '../storage/audit-repository';
import { PassRepository } from '../storage/pass-repository';
import type { PassStore } from '../storage/table';

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
  const passes = new PassRepository(store);
  let result: CheckResult;
  let pass: PassItem | undefined;
  let passId: string | undefined;
  if (body.qr !== undefined) {
    const check = await checkPassToken(body.qr, publicKeys);
    if (!check.ok) {
      result = 'tampered';
    } else {
      passId = check.claims.pid;
      pass = await passes.get(passId);
      result = judgeToken(pass, body.qr, now);
    }
  } else {
    passId = normalizePassId(body.passNumber!);
    pass = passId ? await passes.get(passId) : undefined;
    result = judge(pass, now);
  }

  const checkId = randomUUID();
  const checkedAt = now.toISOString();
  await new AuditRepository(store).recordCheck({
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
  });

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
