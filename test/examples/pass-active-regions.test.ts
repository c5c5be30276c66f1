import { GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { processApplication as processOnce, RetryLaterError } from '../../examples/pass/domain/approval';
import type { Caller } from '../../examples/pass/domain/caller';
import { Conflict } from '../../examples/pass/domain/errors';
import { StubIdentityVerifier } from '../../examples/pass/domain/identity';
import { keys } from '../../examples/pass/domain/keys';
import { PassBody, RegistrationBody, type PassItem } from '../../examples/pass/domain/model';
import { sweepStalePending } from '../../examples/pass/domain/outbox';
import { applyForPass, decide, type ApprovalQueue } from '../../examples/pass/domain/passes';
import { keysOfEveryRegion, shareRegionKeys } from '../../examples/pass/domain/region-keys';
import { placement } from '../../examples/pass/domain/regions';
import { register } from '../../examples/pass/domain/registration';
import { RulesSchema, type Rules } from '../../examples/pass/domain/rules';
import { DEFAULT_RULES } from '../../examples/pass/domain/settings';
import { signingKeyFrom, type SigningKey } from '../../examples/pass/domain/signing';
import { readStats, recordEvent } from '../../examples/pass/domain/stats';
import { checkPass } from '../../examples/pass/domain/verification';
import { LocalReplication, type ReplicaRecord } from '../../examples/pass/local-replication';
import { applicationBody, registrationRequest } from '../../examples/pass/sample-requests';
import type { PassStore } from '../../examples/pass/storage/table';
import { PASS_SYSTEM } from '../../examples/pass/system';
import { createTestTable, type TestTable } from '../../tools/engines/dynamodb-local';

/**
 * The multi-region pass service's data on a simulated global table: two DynamoDB Local tables,
 * one per region, and `LocalReplication` applying each table's stream to the other after a lag,
 * last-writer-wins (a simulation of the documented behaviour; see examples/pass/local-replication.ts).
 * The domain code runs as each region's functions run it, its placement (domain/regions.ts) telling it where it is.
 */

const A = 'ap-south-1';
const B = 'ap-southeast-1';
const REGIONS = [A, B];
const LAG_MS = 300;

let tables: Record<string, TestTable>;
let replication: LocalReplication;
let signing: Record<string, SigningKey>;
const streamed: Record<string, ReplicaRecord[]> = { [A]: [], [B]: [] };

function plainStore(region: string): PassStore {
  const client = DynamoDBDocumentClient.from(tables[region].client, { marshallOptions: { removeUndefinedValues: true } });
  return { client, tableName: tables[region].tableName };
}

/** A region's store as its functions have it: its placement, and the other replica reachable (or not: a lost region). */
function storeIn(region: string, options: { adopted?: string[]; unreachable?: string[] } = {}): PassStore {
  const self: PassStore = {
    ...plainStore(region),
    placement: placement(region, REGIONS, options.adopted ?? []),
    replicaIn: (r) => {
      if (r === region) return self;
      if (options.unreachable?.includes(r)) {
        const down = { send: async () => { throw Object.assign(new Error(`connect ECONNREFUSED (${r} is down)`), { code: 'ECONNREFUSED' }); } };
        return { client: down as unknown as PassStore['client'], tableName: tables[r].tableName, placement: placement(r, REGIONS) };
      }
      return { ...plainStore(r), placement: placement(r, REGIONS) };
    },
  };
  return self;
}

/** The rules worker on one message, redelivered (as SQS does) while a concurrent change asks for a retry. */
async function processApplication(...args: Parameters<typeof processOnce>): ReturnType<typeof processOnce> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await processOnce(...args);
    } catch (error) {
      if (!(error instanceof RetryLaterError) || attempt >= 20) throw error;
      await new Promise((r) => setTimeout(r, 10 * attempt));
    }
  }
}

/** What a region's public keys parameter holds: its own key. */
const published = (region: string) => ({ keys: [signing[region].publicJwk], published: { [signing[region].kid]: new Date().toISOString() } });

function rules(overrides: Partial<Rules> = {}): Rules {
  return RulesSchema.parse({ ...DEFAULT_RULES, ...overrides });
}

/** A person's name from a test id (names are letters only). */
const nameOf = (id: string) => id.replace(/\d/g, (d) => 'abcdefghij'[Number(d)]).replace(/[^\p{L} ]/gu, ' ');
const citizen = (sub: string): Caller => ({ sub, name: `Citizen ${nameOf(sub)}`, groups: [] });
const reviewer = (sub: string): Caller => ({ sub, name: `Reviewer ${sub}`, groups: ['reviewer'] });
const police: Caller = { sub: 'officer-1', name: 'Pat Officer', groups: ['police'] };

let documentNumber = 0;
/** Registers `sub` with a fresh document (through `store`'s region), answering the document. */
async function registered(store: PassStore, sub: string, number = `RG${String(++documentNumber).padStart(6, '0')}`) {
  const { body, document } = registrationRequest({ nationalIdNumber: number, name: citizen(sub).name });
  const verifier = new StubIdentityVerifier(() => [document]);
  return { outcome: await register(store, verifier, citizen(sub), RegistrationBody.parse(body)).then(() => 'created', (e) => e), document };
}

/** An application for a child of the applicant (so the applicant's own passes never overlap it). */
const forChild = (name: string, overrides: Record<string, unknown> = {}) =>
  PassBody.parse(applicationBody({ travellers: [{ kind: 'dependant', name: nameOf(name), dateOfBirth: '2015-01-01' }], ...overrides }));

async function item(region: string, key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
  const read = new GetItemCommand({ TableName: tables[region].tableName, Key: { pk: { S: key.pk }, sk: { S: key.sk } }, ConsistentRead: true });
  const out = await tables[region].client.send(read);
  return out.Item ? unmarshall(out.Item) : undefined;
}

/** The approval queue of a region, as its outbox would fill it: here the ids are kept for the test to deliver. */
function queueOf(ids: string[]): ApprovalQueue {
  return { client: { send: async (c: { input: { MessageBody: string } }) => { ids.push(JSON.parse(c.input.MessageBody).passId); return {}; } } as never, queueUrl: 'local' };
}

beforeAll(async () => {
  const indexes = PASS_SYSTEM.table.globalSecondaryIndexes!.map((i) => ({ name: i.indexName, partitionKey: i.partitionKey, sortKey: i.sortKey }));
  tables = {};
  for (const region of REGIONS) {
    tables[region] = await createTestTable({ prefix: `pass-${region}`, partitionKey: 'pk', sortKey: 'sk', globalSecondaryIndexes: indexes, stream: true });
  }
  replication = new LocalReplication({
    endpoint: process.env.DYNAMODB_ENDPOINT!,
    client: tables[A].client,
    replicas: REGIONS.map((region) => ({ region, tableName: tables[region].tableName, streamArn: tables[region].streamArn! })),
    delayMs: LAG_MS,
  });
  for (const region of REGIONS) replication.onRecords(region, async (records) => { streamed[region].push(...records); });
  // Each region signs with its own key (its own secret), so its own kid.
  signing = { [A]: await signingKeyFrom('signing secret of the ap-south-1 stack, 32+ chars'), [B]: await signingKeyFrom('signing secret of the ap-southeast-1 stack, 32+ chars') };
});

afterAll(async () => {
  replication?.close();
  for (const t of Object.values(tables ?? {})) await t.destroy();
});

describe('the simulated global table', () => {
  test('replicates each region\'s writes to the other after the lag, and resolves a concurrent write last-writer-wins', async () => {
    const key = { pk: { S: 'TEST#lww' }, sk: { S: 'ITEM' } };
    await tables[A].client.send(new PutItemCommand({ TableName: tables[A].tableName, Item: { ...key, v: { S: 'first' } } }));
    await replication.pump();
    expect(await item(B, { pk: 'TEST#lww', sk: 'ITEM' })).toBeUndefined(); // still on its way
    await replication.settle();
    expect(await item(B, { pk: 'TEST#lww', sk: 'ITEM' })).toMatchObject({ v: 'first' });

    // Without a home region, a state change conditional on the item's state is accepted in both
    // regions (each checks its own replica) and one of them is silently lost: the case the design rules out.
    const change = (region: string, to: string) => tables[region].client.send(new UpdateItemCommand({
      TableName: tables[region].tableName,
      Key: key,
      UpdateExpression: 'SET v = :to',
      ConditionExpression: 'v = :first',
      ExpressionAttributeValues: { ':to': { S: to }, ':first': { S: 'first' } },
    }));
    await expect(Promise.all([change(A, 'decided-in-a'), change(B, 'decided-in-b')])).resolves.toHaveLength(2);
    await replication.settle();
    const [inA, inB] = [await item(A, { pk: 'TEST#lww', sk: 'ITEM' }), await item(B, { pk: 'TEST#lww', sk: 'ITEM' })];
    expect(inA).toEqual(inB); // both replicas settle on one writer
    expect(['decided-in-a', 'decided-in-b']).toContain(inA!.v);
    expect(replication.counts.superseded).toBeGreaterThanOrEqual(1);
  });
});

describe('state changes have one winner across regions', () => {
  test('a pass decided by reviewers in both regions at once is decided once, in its home region', async () => {
    const [storeA, storeB] = [storeIn(A), storeIn(B)];
    await registered(storeA, 'owner-1');
    await replication.settle();
    const pass = await applyForPass(storeA, citizen('owner-1'), forChild('Kid Review', { reason: 'other', note: 'Visiting a relative' }));
    expect(pass.homeRegion).toBe(A);
    await replication.settle();
    // Region B's worker never decides a pass homed in A (B's outbox does not even queue it).
    expect(await item(B, keys.pass(pass.passId))).toMatchObject({ status: 'pending' });
    expect(await processApplication(storeB, rules(), signing[B], pass.passId)).toMatchObject({ result: 'skipped', why: `decided in its home region ${A}` });
    expect(await processApplication(storeA, rules(), signing[A], pass.passId)).toMatchObject({ result: 'needs-review' });
    await replication.settle();

    const answers = await Promise.allSettled([
      decide(storeA, signing[A], reviewer('rev-a'), pass.passId, 'approve', 'Checked'),
      decide(storeB, signing[B], reviewer('rev-b'), pass.passId, 'reject', 'Not convinced'),
    ]);
    const won = answers.filter((a) => a.status === 'fulfilled') as PromiseFulfilledResult<PassItem>[];
    const lost = answers.filter((a) => a.status === 'rejected') as PromiseRejectedResult[];
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].reason).toBeInstanceOf(Conflict);
    await replication.settle();
    const [inA, inB] = [await item(A, keys.pass(pass.passId)), await item(B, keys.pass(pass.passId))];
    expect(inA!.status).toBe(won[0].value.status);
    expect(inB!.status).toBe(inA!.status);
    expect(inB!.decidedBy).toEqual(inA!.decidedBy);
  });

  test('a decision sent to a region whose pass\'s home is down is refused as unavailable, nothing written', async () => {
    const storeA = storeIn(A);
    await registered(storeA, 'owner-2');
    const pass = await applyForPass(storeA, citizen('owner-2'), forChild('Kid Down', { reason: 'other', note: 'Visiting a relative' }));
    await processApplication(storeA, rules(), signing[A], pass.passId);
    await replication.settle();
    const storeB = storeIn(B, { unreachable: [A] });
    await expect(decide(storeB, signing[B], reviewer('rev-b'), pass.passId, 'approve', 'Checked')).rejects.toThrow(/ECONNREFUSED/);
    expect(await item(B, keys.pass(pass.passId))).toMatchObject({ status: 'needs-review' });
  });

  test('a district quota spent from both regions at once issues exactly the quota: each region spends only its shards', async () => {
    const quota = rules({ districtQuotas: { east: 4 }, quotaShards: 4 });
    const [storeA, storeB] = [storeIn(A), storeIn(B)];
    await registered(storeA, 'quota-a');
    await registered(storeB, 'quota-b');
    await replication.settle();
    const east = { from: { address: '3 Quay', district: 'east' } };
    const inA = await Promise.all([1, 2, 3, 4, 5].map((i) => applyForPass(storeA, citizen('quota-a'), forChild(`Kid A${i}`, east))));
    const inB = await Promise.all([1, 2, 3, 4, 5].map((i) => applyForPass(storeB, citizen('quota-b'), forChild(`Kid B${i}`, east))));
    await replication.settle();
    const outcomes = await Promise.all([
      ...inA.map((p) => processApplication(storeA, quota, signing[A], p.passId)),
      ...inB.map((p) => processApplication(storeB, quota, signing[B], p.passId)),
    ]);
    await replication.settle();
    expect(outcomes.filter((o) => o.result === 'approved')).toHaveLength(4);
    const day = inA[0].startTime.slice(0, 10);
    const shards = await Promise.all([0, 1, 2, 3].map(async (s) => [await item(A, keys.quota('east', day, s)), await item(B, keys.quota('east', day, s))]));
    for (const [a, b] of shards) expect(a).toEqual(b); // replicated, and never written by both
    expect(shards.reduce((n, [a]) => n + Number(a?.count ?? 0), 0)).toBe(4);
  });

  test('without the split (each region spending every shard) the same race over-issues: what the split prevents', async () => {
    const quota = rules({ districtQuotas: { west: 4 }, quotaShards: 4 });
    const [plainA, plainB] = [plainStore(A), plainStore(B)];
    await registered(storeIn(A), 'naive-a');
    await replication.settle();
    const west = { from: { address: '4 Pier', district: 'west' } };
    const passes = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => applyForPass(storeIn(A), citizen('naive-a'), forChild(`Kid W${i}`, west))));
    await replication.settle();
    const outcomes = await Promise.all(passes.map((p, i) => processApplication(i % 2 ? plainB : plainA, quota, signing[A], p.passId)));
    await replication.settle();
    expect(outcomes.filter((o) => o.result === 'approved').length).toBeGreaterThan(4);
  });

  test('two registrations of one document in two regions at once: one account holds it, in both replicas', async () => {
    const [storeA, storeB] = [storeIn(A), storeIn(B)];
    const [first, second] = await Promise.all([registered(storeA, 'twin-a', 'TWIN0001'), registered(storeB, 'twin-b', 'TWIN0001')]);
    const outcomes = [first.outcome, second.outcome];
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(1);
    expect(outcomes.find((o) => o !== 'created')).toBeInstanceOf(Conflict);
    await replication.settle();
    const owner = await item(A, keys.nationalId('national-id', 'TWIN0001'));
    expect(await item(B, keys.nationalId('national-id', 'TWIN0001'))).toEqual(owner);
    const winner = outcomes[0] === 'created' ? 'twin-a' : 'twin-b';
    expect(owner!.sub).toBe(winner);
    expect(await item(A, keys.registration(winner === 'twin-a' ? 'twin-b' : 'twin-a'))).toBeUndefined();
    expect(await item(B, keys.registration(winner === 'twin-a' ? 'twin-b' : 'twin-a'))).toBeUndefined();
  });
});

describe('the stream consumers of both regions count each change once', () => {
  test('every region\'s stream carries every change; only the home region counts it', async () => {
    const day = new Date(Date.now() + 3600_000).toISOString().slice(0, 10);
    const before = await readStats(storeIn(A), [day]);
    streamed[A].length = 0;
    streamed[B].length = 0;
    const [storeA, storeB] = [storeIn(A), storeIn(B)];
    await registered(storeA, 'count-a');
    await registered(storeB, 'count-b');
    await replication.settle();
    const pa = await applyForPass(storeA, citizen('count-a'), forChild('Kid CA'));
    const pb = await applyForPass(storeB, citizen('count-b'), forChild('Kid CB'));
    await replication.settle();
    await processApplication(storeA, rules(), signing[A], pa.passId);
    await processApplication(storeB, rules(), signing[B], pb.passId);
    await replication.settle();
    const signed = (await item(A, keys.pass(pa.passId)))!.token as string;
    await checkPass(storeB, [signing[A].publicJwk, signing[B].publicJwk], police, { qr: signed, checkpoint: 'Bridge' }, '203.0.113.9');
    await replication.settle();

    // Both streams saw both passes (their own writes and the replicated ones) ...
    for (const region of REGIONS) {
      const passes = new Set(streamed[region].map((r) => r.record.dynamodb?.NewImage?.passId?.S).filter(Boolean));
      expect(passes).toEqual(new Set([pa.passId, pb.passId]));
      expect(streamed[region].some((r) => r.replicated)).toBe(true);
    }
    // ... and each region's consumer is given its whole stream, as its event source mapping would.
    for (const region of REGIONS) {
      for (const { record } of streamed[region]) await recordEvent(storeIn(region), undefined, record);
    }
    await replication.settle();
    for (const region of REGIONS) {
      const after = await readStats(storeIn(region), [day]);
      expect(after.totals.applied - before.totals.applied).toBe(2);
      expect((after.totals.byStatus.approved ?? 0) - (before.totals.byStatus.approved ?? 0)).toBe(2);
      expect((after.totals.byStatus.pending ?? 0) - (before.totals.byStatus.pending ?? 0)).toBe(0);
      expect(after.totals.checks - before.totals.checks).toBe(1);
    }
  });
});

describe('region-loss drill', () => {
  test('region A is lost: B keeps taking, approving, verifying and counting; A\'s writes inside the lag are the RPO', async () => {
    const [storeA, storeB] = [storeIn(A), storeIn(B)];
    await registered(storeA, 'drill-a');
    await registered(storeB, 'drill-b');
    // Each region's signers share its public keys through the table.
    for (const region of REGIONS) await shareRegionKeys(storeIn(region), published(region));
    await replication.settle();
    // Accepted in A and replicated before the loss.
    const replicated = await applyForPass(storeA, citizen('drill-a'), forChild('Kid DA1'));
    await processApplication(storeA, rules(), signing[A], replicated.passId);
    const pendingInA = await applyForPass(storeA, citizen('drill-a'), forChild('Kid DA2', { reason: 'other', note: 'Care visit' }));
    await replication.settle();
    // Accepted in A within the lag of the loss: read from A's stream, not yet applied in B.
    const inFlight = await applyForPass(storeA, citizen('drill-a'), forChild('Kid DA3'));
    await replication.pump();
    expect(replication.inFlight).toBeGreaterThan(0);
    replication.lose(A);
    expect(await item(B, keys.pass(replicated.passId))).toMatchObject({ status: 'approved', homeRegion: A });
    expect(await item(B, keys.pass(pendingInA.passId))).toMatchObject({ status: 'pending', homeRegion: A });
    expect(await item(B, keys.pass(inFlight.passId))).toBeUndefined(); // the RPO: back when A is

    // Traffic moves to B (DNS failover). B keeps taking and approving its own applications ...
    const down = storeIn(B, { unreachable: [A] });
    const fresh = await applyForPass(down, citizen('drill-b'), forChild('Kid DB1'));
    expect(fresh.homeRegion).toBe(B);
    expect(await processApplication(down, rules(), signing[B], fresh.passId)).toMatchObject({ result: 'approved' });
    // ... verifies passes signed in either region (both public keys are published) ...
    const tokenA = (await item(B, keys.pass(replicated.passId)))!.token as string;
    const tokenB = (await item(B, keys.pass(fresh.passId)))!.token as string;
    // B's own published key (its parameter) and A's, shared through the table before the loss.
    const publicKeys = await keysOfEveryRegion(down, published(B), 0);
    expect(publicKeys.map((k) => k.kid).sort()).toEqual([signing[A].kid, signing[B].kid].sort());
    for (const qr of [tokenA, tokenB]) {
      expect((await checkPass(down, publicKeys, police, { qr, checkpoint: 'Toll' }, '203.0.113.9')).result).toBe('not-yet-valid');
    }
    // ... but neither decides A's pending pass nor registers while the registry (A) is unreachable.
    await expect(registered(down, 'drill-new')).resolves.toMatchObject({ outcome: expect.objectContaining({ message: expect.stringMatching(/ECONNREFUSED/) }) });

    // The runbook's declared failover: B adopts A. Its sweeper finds A's pending pass and B decides it; registrations resume in B.
    const adopted = storeIn(B, { adopted: [A], unreachable: [A] });
    const queued: string[] = [];
    await sweepStalePending(adopted, queueOf(queued), new Date(Date.now() + 10 * 60_000));
    expect(queued).toContain(pendingInA.passId);
    expect(queued).not.toContain(fresh.passId); // decided already
    expect(await processApplication(adopted, rules(), signing[B], pendingInA.passId)).toMatchObject({ result: 'needs-review' });
    expect((await registered(adopted, 'drill-new')).outcome).toBe('created');

    // Counting in B: its stream's records of its own and of the adopted region's items.
    const day = fresh.startTime.slice(0, 10);
    const before = await readStats(adopted, [day]);
    streamed[B].length = 0;
    await replication.pump();
    await replication.pump();
    for (const { record } of streamed[B]) await recordEvent(adopted, undefined, record);
    const after = await readStats(adopted, [day]);
    expect(after.totals.checks - before.totals.checks).toBe(2);
    expect((after.totals.byStatus['needs-review'] ?? 0) - (before.totals.byStatus['needs-review'] ?? 0)).toBe(1);
  });
});
