import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { PassStore } from './table';
import { dayOf, randomShard } from '../domain/ids';
import { keys } from '../domain/keys';
import { AUDIT_SHARDS } from '../domain/settings';

/** One roadside check, as the audit log keeps it. */
export interface CheckRecord {
  readonly checkId: string;
  readonly checkedAt: string;
  readonly officer: { readonly sub: string; readonly name: string };
  readonly checkpoint: string;
  readonly latitude?: number;
  readonly longitude?: number;
  readonly sourceIp: string;
  readonly presented: 'qr' | 'number';
  readonly passId?: string;
  readonly result: string;
}

/** A reviewer's decision refused for a conflict of interest, as the audit log keeps it. */
export interface RefusalRecord {
  readonly id: string;
  readonly passId: string;
  readonly reviewer: { readonly sub: string; readonly name: string };
  readonly decision: string;
  readonly conflict: string;
  readonly at: string;
}

/**
 * The audit log in the pass table: every roadside check (`CHECK#<day>#<shard>`, spread over
 * `AUDIT_SHARDS` partitions a day) and every refused decision (`REFUSAL#<passId>`). Written once, never changed.
 */
export class AuditRepository {
  constructor(private readonly store: PassStore) {}

  async recordCheck(check: CheckRecord): Promise<void> {
    await this.store.client.send(new PutCommand({
      TableName: this.store.tableName,
      // Multi-region: the region that made the check counts it (each region's stream carries every region's checks).
      Item: {
        ...keys.check(dayOf(check.checkedAt), randomShard(AUDIT_SHARDS), check.checkedAt, check.checkId),
        type: 'check',
        ...check,
        ...(this.store.placement ? { homeRegion: this.store.placement.here } : {}),
      },
    }));
  }

  async recordRefusal(refusal: RefusalRecord): Promise<void> {
    const { id, ...rest } = refusal;
    await this.store.client.send(new PutCommand({
      TableName: this.store.tableName,
      Item: { ...keys.refusal(refusal.passId, refusal.at, id), type: 'refused-decision', ...rest },
    }));
  }
}
