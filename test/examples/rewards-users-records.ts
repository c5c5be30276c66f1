import { archiveRecord } from '../../examples/rewards/handlers/transactions-forwarder';
import { userCreatedRecord } from '../../examples/rewards/handlers/users-forwarder';
import type { StreamRecord } from '../../examples/rewards/users-domain/users-domain';

/** Stream records of a scripted day (2026-12-02) for the users-domain tests, as the forwarders write them. */
export const at = (hhmm: string) => `2026-12-02T${hhmm}:00.000Z`;

/** A `user-created` record of the users stream. */
export const userRecord = (id: string, kind: string, time: string) => userCreatedRecord({ pk: id, kind, createdAt: at(time) }) as StreamRecord;

let n = 0;
/** An applied transaction of the transactions stream, ids `tx-1`, `tx-2`, ... in the order made. */
export const transactionRecord = (
  kind: string, from: string, to: string, units: number, fromPoints: number, toPoints: number, time: string, goods?: string,
) =>
  archiveRecord({
    transactionId: `tx-${++n}`,
    kind: kind as any,
    from,
    to,
    units,
    goods,
    rulesVersion: 1,
    createdAt: at(time),
    changes: [{ party: from, kinds: [], delta: fromPoints * units }, { party: to, kinds: [], delta: toPoints * units }],
  }) as StreamRecord;
