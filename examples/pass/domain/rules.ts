import { jsonParameter } from '@cdk-rampart/lambda-kit';
import * as z from 'zod';
import { loadSigningKeys } from './key-set';
import { district, REASONS } from './model';
import { PASS_ENV } from './settings';
import type { SigningKey } from './signing';

const reason = z.enum(REASONS);

/**
 * The approval rules: data in SSM Parameter Store (a `ConfigParameter`, JSON), read by the worker
 * and cached five minutes, so operators change them without a deployment.
 */
export const RulesSchema = z.strictObject({
  /** Reasons approved without a reviewer (when no other rule stops them). */
  autoApprove: z.array(reason),
  /** Reasons rejected outright. */
  autoReject: z.array(reason),
  /** Longest pass per reason, in minutes; longer applications are rejected. */
  maxDurationMinutes: z.partialRecord(reason, z.number().int().min(15).max(1440)),
  /** Approvals per district (of departure) and day, unless `districtQuotas` names the district. */
  dailyQuotaPerDistrict: z.number().int().min(0),
  districtQuotas: z.record(district, z.number().int().min(0)),
  /** Counter partitions per district and day (spreads the quota's writes; 1 to 100). */
  quotaShards: z.number().int().min(1).max(100),
  /** Reject an application when a traveller already holds an approved pass overlapping it. */
  rejectOverlapping: z.boolean(),
  /** Approved passes one person (a traveller) may hold starting on one day. */
  maxPassesPerPersonPerDay: z.number().int().min(1).max(50).default(3),
});
export type Rules = z.output<typeof RulesSchema>;

/** The rules from the ConfigParameter named in `PASS_RULES_PARAM` (cached 5 minutes). */
export function loadRules(): Promise<Rules> {
  return jsonParameter(PASS_ENV.RULES_PARAM, RulesSchema);
}

/**
 * The key new passes are signed with, from the ConfigSecret named in `PASS_SIGNING_KEY_SECRET` (a key
 * or a key set; see key-set.ts), after publishing the public keys if they changed. Signers only.
 */
export async function loadSigningKey(): Promise<SigningKey> {
  return (await loadSigningKeys()).signWith;
}
