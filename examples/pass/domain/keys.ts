import { dependantName } from './policies/travellers';

/**
 * The key design of the pass table (one table, `pk` + `sk`, both strings). Every hot write goes to
 * a key with many distinct values, so DynamoDB spreads the load over partitions:
 *
 * | item | pk | sk |
 * |---|---|---|
 * | a citizen's registration (one per user) | `USER#<sub>` | `REGISTRATION` |
 * | a document's owner (one account per verified document) | `NATID#<type>#<number>` | `UNIQUE` |
 * | a document moved to another account (audit) | `CLAIM#<type>#<number>` | `<time>#<id>` |
 * | a person allows an applicant to list them | `CONSENT#<type>#<number>` (theirs) | `BY#<type>#<number>` (the applicant's) |
 * | an account's applications of a day (the per-account cap) | `ACCOUNT#<sub>#<day>` | `APPLIED` |
 * | a reviewer's refused decision (own pass, or one listing them) | `REFUSAL#<passId>` | `<time>#<id>` |
 * | a pass | `PASS#<passId>` | `PASS` |
 * | a traveller's active approved passes (overlap check) | `PERSON#<type>#<number>` | `ACTIVE` |
 * | a district's approvals of a day, one of N shards | `QUOTA#<district>#<day>#<shard>` | `COUNT` |
 * | a day's statistics, one of N shards (summed on read) | `STATS#<day>#<shard>` | `COUNTS` |
 * | a processed stream record (exactly-once counting) | `SEEN#<eventId>` | `STREAM` |
 * | one verification (audit), spread over N shards per day | `CHECK#<day>#<shard>` | `<time>#<checkId>` |
 *
 * In a multi-region service (domain/regions.ts) the items every region changes (a traveller's
 * list, an account's count of a day, the statistics) are one per region, their sort key ending in
 * `#<region>`: a region writes its own and reads the others', so the global table's
 * last-writer-wins never drops another region's change.
 *
 * Indexes: `byOwner` (`ownerPk` = `OWNER#<sub>`, `ownerSk` = `<createdAt>#<passId>`) lists a
 * citizen's passes; `reviewQueue` (`reviewPk` = `REVIEW#<shard>`, `reviewSk` = `<createdAt>#<passId>`)
 * is sparse: only passes waiting for a reviewer carry its keys, and passes still waiting for the
 * rules carry them under `PENDING#<shard>` (read by the outbox's sweeper, see outbox.ts).
 */
/** The sort key of an item each region of a multi-region service keeps its own of (`ACTIVE#ap-south-1`). */
function perRegion(sk: string, region: string | undefined): string {
  return region === undefined ? sk : `${sk}#${region}`;
}

export interface Key {
  readonly pk: string;
  readonly sk: string;
}

export const keys = {
  registration: (sub: string): Key => ({ pk: `USER#${sub}`, sk: 'REGISTRATION' }),
  nationalId: (type: string, number: string): Key => ({ pk: `NATID#${type}#${number}`, sk: 'UNIQUE' }),
  claim: (type: string, number: string, at: string, id: string): Key => ({ pk: `CLAIM#${type}#${number}`, sk: `${at}#${id}` }),
  consent: (type: string, number: string, applicantType: string, applicantNumber: string): Key =>
    ({ pk: `CONSENT#${type}#${number}`, sk: `BY#${applicantType}#${applicantNumber}` }),
  accountDay: (sub: string, day: string, region?: string): Key => ({ pk: `ACCOUNT#${sub}#${day}`, sk: perRegion('APPLIED', region) }),
  refusal: (passId: string, at: string, id: string): Key => ({ pk: `REFUSAL#${passId}`, sk: `${at}#${id}` }),
  dependant: (ownerSub: string, name: string, dateOfBirth: string, region?: string): Key =>
    ({ pk: `PERSON#dependant#${ownerSub}#${dependantName(name)}#${dateOfBirth}`, sk: perRegion('ACTIVE', region) }),
  pass: (passId: string): Key => ({ pk: `PASS#${passId}`, sk: 'PASS' }),
  person: (type: string, number: string, region?: string): Key => ({ pk: `PERSON#${type}#${number}`, sk: perRegion('ACTIVE', region) }),
  quota: (district: string, day: string, shard: number): Key => ({ pk: `QUOTA#${district}#${day}#${shard}`, sk: 'COUNT' }),
  stats: (day: string, shard: number, region?: string): Key => ({ pk: `STATS#${day}#${shard}`, sk: perRegion('COUNTS', region) }),
  seen: (eventId: string): Key => ({ pk: `SEEN#${eventId}`, sk: 'STREAM' }),
  check: (day: string, shard: number, at: string, checkId: string): Key => ({ pk: `CHECK#${day}#${shard}`, sk: `${at}#${checkId}` }),
  ownerPk: (sub: string): string => `OWNER#${sub}`,
  reviewPk: (shard: number): string => `REVIEW#${shard}`,
  pendingPk: (shard: number): string => `PENDING#${shard}`,
  /** The key `GET /health` reads: never written, so the read is the cheapest there is (0.5 RCU). */
  health: (): Key => ({ pk: 'HEALTH', sk: 'CHECK' }),
};
