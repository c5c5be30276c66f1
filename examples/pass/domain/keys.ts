/**
 * The key design of the pass table (one table, `pk` + `sk`, both strings). Every hot write goes to
 * a key with many distinct values, so DynamoDB spreads the load over partitions:
 *
 * | item | pk | sk |
 * |---|---|---|
 * | a citizen's registration (one per user) | `USER#<sub>` | `REGISTRATION` |
 * | uniqueness of a national ID | `NATID#<type>#<number>` | `UNIQUE` |
 * | a pass | `PASS#<passId>` | `PASS` |
 * | a traveller's active approved passes (overlap check) | `PERSON#<type>#<number>` | `ACTIVE` |
 * | a district's approvals of a day, one of N shards | `QUOTA#<district>#<day>#<shard>` | `COUNT` |
 * | a day's statistics, one of N shards (summed on read) | `STATS#<day>#<shard>` | `COUNTS` |
 * | a processed stream record (exactly-once counting) | `SEEN#<eventId>` | `STREAM` |
 * | one verification (audit), spread over N shards per day | `CHECK#<day>#<shard>` | `<time>#<checkId>` |
 *
 * Indexes: `byOwner` (`ownerPk` = `OWNER#<sub>`, `ownerSk` = `<createdAt>#<passId>`) lists a
 * citizen's passes; `reviewQueue` (`reviewPk` = `REVIEW#<shard>`, `reviewSk` = `<createdAt>#<passId>`)
 * is sparse: only passes waiting for a reviewer carry its keys.
 */
export interface Key {
  readonly pk: string;
  readonly sk: string;
}

export const keys = {
  registration: (sub: string): Key => ({ pk: `USER#${sub}`, sk: 'REGISTRATION' }),
  nationalId: (type: string, number: string): Key => ({ pk: `NATID#${type}#${number}`, sk: 'UNIQUE' }),
  pass: (passId: string): Key => ({ pk: `PASS#${passId}`, sk: 'PASS' }),
  person: (type: string, number: string): Key => ({ pk: `PERSON#${type}#${number}`, sk: 'ACTIVE' }),
  quota: (district: string, day: string, shard: number): Key => ({ pk: `QUOTA#${district}#${day}#${shard}`, sk: 'COUNT' }),
  stats: (day: string, shard: number): Key => ({ pk: `STATS#${day}#${shard}`, sk: 'COUNTS' }),
  seen: (eventId: string): Key => ({ pk: `SEEN#${eventId}`, sk: 'STREAM' }),
  check: (day: string, shard: number, at: string, checkId: string): Key => ({ pk: `CHECK#${day}#${shard}`, sk: `${at}#${checkId}` }),
  ownerPk: (sub: string): string => `OWNER#${sub}`,
  reviewPk: (shard: number): string => `REVIEW#${shard}`,
};
