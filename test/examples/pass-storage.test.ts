import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidRequest } from '../../examples/pass/domain/errors';
import { keys } from '../../examples/pass/domain/keys';
import type { PassItem } from '../../examples/pass/domain/model';
import { AuditRepository } from '../../examples/pass/storage/audit-repository';
import { ConsentRepository } from '../../examples/pass/storage/consent-repository';
import { PassRepository, type Decider } from '../../examples/pass/storage/pass-repository';
import { RegistrationRepository, type RegistrationRecord } from '../../examples/pass/storage/registration-repository';
import type { PassStore } from '../../examples/pass/storage/table';
import { createTestTable, type TestTable } from '../../tools/engines/dynamodb-local';

/** The pass system's repositories against DynamoDB Local (`RAMPART_ENGINES=dynamodb-local`). */

let table: TestTable;
let store: PassStore;

beforeAll(async () => {
  table = await createTestTable({
    prefix: 'pass-storage',
    partitionKey: 'pk',
    sortKey: 'sk',
    globalSecondaryIndexes: [{ name: 'byOwner', partitionKey: 'ownerPk', sortKey: 'ownerSk' }, { name: 'reviewQueue', partitionKey: 'reviewPk', sortKey: 'reviewSk' }],
  });
  store = { client: DynamoDBDocumentClient.from(table.client, { marshallOptions: { removeUndefinedValues: true } }), tableName: table.tableName };
});

afterAll(async () => {
  await table?.destroy();
});

const record = (nationalIdNumber: string, name = 'Ada Citizen'): RegistrationRecord => ({
  name,
  dateOfBirth: '1990-01-01',
  nationalIdType: 'national-id',
  nationalIdNumber,
  phone: '+441632960961',
  district: 'north',
  registeredAt: '2026-12-01T10:00:00.000Z',
  verifiedBy: { provider: 'local-stub', reference: `stub:${nationalIdNumber}`, at: '2026-12-01T10:00:00.000Z' },
});
const item = async (key: { pk: string; sk: string }) =>
  (await store.client.send(new GetCommand({ TableName: store.tableName, Key: key, ConsistentRead: true }))).Item;

describe('RegistrationRepository', () => {
  test('a registration and its document\'s owner item; the account and the document once each', async () => {
    const registrations = new RegistrationRepository(store);
    expect(await registrations.create('reg-a', record('REG00001'))).toBe('created');
    expect(await registrations.get('reg-a')).toEqual(record('REG00001'));
    expect(await registrations.ownerOf(record('REG00001'))).toEqual({ sub: 'reg-a', name: 'Ada Citizen' });
    expect(await registrations.create('reg-a', record('REG00002'))).toBe('already-registered');
    expect(await registrations.create('reg-b', record('REG00001', 'Bo Other'))).toBe('document-taken');
    // Nothing of the refused writes was stored.
    expect(await registrations.get('reg-b')).toBeUndefined();
    expect(await registrations.ownerOf(record('REG00002'))).toBeUndefined();
  });

  test('of 10 accounts racing with one document, exactly one holds it', async () => {
    const registrations = new RegistrationRepository(store);
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => registrations.create(`race-${i}`, record('RACE0001'))));
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(1);
    expect(outcomes.filter((o) => o !== 'created').every((o) => o === 'document-taken')).toBe(true);
    const winner = `race-${outcomes.indexOf('created')}`;
    expect((await registrations.ownerOf(record('RACE0001')))?.sub).toBe(winner);
  });

  test('moving a document: the owner item moves, the previous registration ends, a claim record keeps from where to where', async () => {
    const registrations = new RegistrationRepository(store);
    expect(await registrations.create('squatter', record('MOVE0001', 'Sam Squatter'))).toBe('created');
    expect(await registrations.moveDocument('owner', record('MOVE0001'), 'squatter', 'claim-1')).toBe('moved');
    expect(await registrations.ownerOf(record('MOVE0001'))).toEqual({ sub: 'owner', name: 'Ada Citizen' });
    expect(await registrations.get('owner')).toEqual(record('MOVE0001'));
    expect(await registrations.get('squatter')).toBeUndefined();
    const claims = await store.client.send(new QueryCommand({ TableName: store.tableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'CLAIM#national-id#MOVE0001' } }));
    expect(claims.Items).toEqual([expect.objectContaining({ type: 'claim', from: 'squatter', to: 'owner', verifiedBy: record('MOVE0001').verifiedBy })]);
  });

  test('a move is refused when the account is registered, or the document changed hands meanwhile; nothing changes', async () => {
    const registrations = new RegistrationRepository(store);
    expect(await registrations.create('holder', record('MOVE0002'))).toBe('created');
    expect(await registrations.create('registered', record('MOVE0003'))).toBe('created');
    expect(await registrations.moveDocument('registered', record('MOVE0002'), 'holder', 'claim-2')).toBe('already-registered');
    expect(await registrations.moveDocument('newcomer', record('MOVE0002'), 'someone-else', 'claim-3')).toBe('changed');
    expect((await registrations.ownerOf(record('MOVE0002')))?.sub).toBe('holder');
    expect(await registrations.get('newcomer')).toBeUndefined();
    expect(await item(keys.registration('holder'))).toBeDefined();
  });
});

describe('ConsentRepository', () => {
  const traveller = { nationalIdType: 'national-id', nationalIdNumber: 'TRV00001' };
  const applicant = { nationalIdType: 'passport', nationalIdNumber: 'APP00001' };

  test('a consent is given to one applicant\'s document, seen by that applicant only, and withdrawn', async () => {
    const consents = new ConsentRepository(store);
    expect(await consents.allows(traveller, applicant)).toBe(false);
    await consents.allow(traveller, applicant, 'trv', '2026-12-01T10:00:00.000Z');
    expect(await consents.allows(traveller, applicant)).toBe(true);
    expect(await consents.allows(applicant, traveller)).toBe(false);
    expect(await consents.allows(traveller, { ...applicant, nationalIdType: 'national-id' })).toBe(false);
    expect(await item(keys.consent('national-id', 'TRV00001', 'passport', 'APP00001'))).toMatchObject({ type: 'consent', sub: 'trv', givenAt: '2026-12-01T10:00:00.000Z' });
    await consents.withdraw(traveller, applicant);
    await consents.withdraw(traveller, applicant);
    expect(await consents.allows(traveller, applicant)).toBe(false);
  });
});

const HOUR = 3600_000;
let counter = 0;
/** A pending pass of `owner` for one traveller (their document), starting `startsIn` from now. */
function pendingPass(owner: string, document = `DOC${String(++counter).padStart(5, '0')}`, startsIn = 2 * HOUR, createdAt = new Date()): PassItem {
  const start = new Date(Date.now() + startsIn);
  return {
    passId: `TEST-${String(++counter).padStart(4, '0')}-${owner.slice(0, 4).toUpperCase().padEnd(4, 'X')}`,
    ownerSub: owner,
    holderName: 'Ada Citizen',
    travellers: [{ kind: 'applicant', name: 'Ada Citizen', sub: owner, nationalIdType: 'national-id', nationalIdNumber: document }],
    from: { address: '1 Road', district: 'north' },
    to: { address: '2 Road', district: 'south' },
    startTime: start.toISOString(),
    endTime: new Date(start.getTime() + HOUR).toISOString(),
    durationMinutes: 60,
    reason: 'work',
    status: 'pending',
    createdAt: createdAt.toISOString(),
  };
}
const request = () => ({ requestToken: `token-${++counter}`, requestHash: 'hash' });
const today = () => new Date().toISOString().slice(0, 10);
const RULES: Decider = { kind: 'rules' };

describe('PassRepository', () => {
  test('an application is stored once, with the account\'s count; a taken number answers with what is stored', async () => {
    const passes = new PassRepository(store);
    const pass = pendingPass('apply-a');
    const first = request();
    expect(await passes.apply(pass, first, { day: today(), cap: 10 })).toEqual({ result: 'stored' });
    expect(await passes.get(pass.passId, true)).toEqual(pass);
    const again = await passes.apply({ ...pass, holderName: 'Someone Else' }, request(), { day: today(), cap: 10 });
    expect(again).toEqual({ result: 'number-taken', stored: { pass, requestToken: first.requestToken, requestHash: 'hash' } });
    expect(await item(keys.accountDay('apply-a', today()))).toMatchObject({ count: 1 });
  });

  test('the account\'s daily cap: the application over it stores nothing', async () => {
    const passes = new PassRepository(store);
    for (let i = 0; i < 2; i++) expect((await passes.apply(pendingPass('cap-a'), request(), { day: today(), cap: 2 })).result).toBe('stored');
    const over = pendingPass('cap-a');
    expect(await passes.apply(over, request(), { day: today(), cap: 2 })).toEqual({ result: 'account-cap' });
    expect(await passes.get(over.passId, true)).toBeUndefined();
    expect(await item(keys.accountDay('cap-a', today()))).toMatchObject({ count: 2 });
  });

  test('one account applying several times at once: every application stored, the count exact', async () => {
    const passes = new PassRepository(store);
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => passes.apply(pendingPass('burst-a'), request(), { day: today(), cap: 10 })));
    expect(outcomes.every((o) => o.result === 'stored')).toBe(true);
    expect(await item(keys.accountDay('burst-a', today()))).toMatchObject({ count: 4 });
  });

  test('an owner\'s passes newest first, a page at a time; a cursor of another listing is refused', async () => {
    const passes = new PassRepository(store);
    const made: PassItem[] = [];
    for (let i = 0; i < 22; i++) {
      const pass = pendingPass('list-a', undefined, 2 * HOUR, new Date(Date.parse('2026-12-01T08:00:00Z') + i * 60_000));
      await passes.apply(pass, request(), { day: `list-${i}`, cap: 10 });
      made.push(pass);
    }
    const first = await passes.listByOwner('list-a');
    expect(first.passes.map((p) => p.passId)).toEqual(made.slice(2).reverse().map((p) => p.passId));
    const second = await passes.listByOwner('list-a', first.cursor);
    expect(second.passes.map((p) => p.passId)).toEqual(made.slice(0, 2).reverse().map((p) => p.passId));
    await expect(passes.listByOwner('list-b', first.cursor)).rejects.toThrow(InvalidRequest);
  });

  test('pending passes are found by the sweeper until an outcome moves them to the review queue or out', async () => {
    const passes = new PassRepository(store);
    const stale = pendingPass('sweep-a', undefined, 2 * HOUR, new Date('2020-01-01T00:00:00Z'));
    const other = pendingPass('sweep-a', undefined, 2 * HOUR, new Date('2020-01-01T00:00:01Z'));
    await passes.apply(stale, request(), { day: 'sweep', cap: 10 });
    await passes.apply(other, request(), { day: 'sweep', cap: 10 });
    const pending = async () => {
      const ids: string[] = [];
      for await (const page of passes.pendingSince('2020-01-02T00:00:00Z')) ids.push(...page);
      return ids;
    };
    expect((await pending()).sort()).toEqual([stale.passId, other.passId].sort());
    expect(await passes.setOutcome(stale.passId, 'pending', 'needs-review', RULES, 'A reviewer decides', new Date())).toBe(true);
    expect(await passes.setOutcome(other.passId, 'pending', 'rejected', RULES, 'Too long', new Date())).toBe(true);
    expect(await passes.setOutcome(other.passId, 'pending', 'rejected', RULES, 'Again', new Date())).toBe(false);
    expect(await pending()).toEqual([]);
    expect((await passes.reviewQueue(50)).map((p) => p.passId)).toContain(stale.passId);
    expect(await passes.get(other.passId, true)).toMatchObject({ status: 'rejected', decisionReason: 'Too long', decidedBy: RULES });
  });

  test('an approval updates the traveller\'s list; a second approval of the pass finds it changed', async () => {
    const passes = new PassRepository(store);
    const pass = pendingPass('approve-a');
    await passes.apply(pass, request(), { day: 'approve', cap: 10 });
    const lists = await passes.travellerLists(pass);
    expect(lists).toEqual([{ key: keys.person('national-id', pass.travellers[0].nationalIdNumber!), version: 0, active: [] }]);
    const quota = { district: 'north', day: 'approve-day', shard: 0, cap: 5 };
    expect(await passes.approve(pass, 'pending', 'QR', RULES, 'ok', lists, new Date(), quota)).toEqual({ result: 'approved' });
    expect(await passes.get(pass.passId, true)).toMatchObject({ status: 'approved', token: 'QR', decisionReason: 'ok' });
    const after = await passes.travellerLists(pass);
    expect(after[0]).toMatchObject({ version: 1, active: [{ passId: pass.passId, start: pass.startTime, end: pass.endTime }] });
    expect(await item(keys.quota('north', 'approve-day', 0))).toMatchObject({ count: 1 });
    expect(await passes.approve(pass, 'pending', 'QR', RULES, 'ok', after, new Date(), quota)).toEqual({ result: 'pass-changed' });
  });

  test('two approvals for one traveller from the same reading: one succeeds, the other finds the list changed', async () => {
    const passes = new PassRepository(store);
    const a = pendingPass('race-a', 'RACEDOC1');
    const b = { ...pendingPass('race-a', 'RACEDOC1', 5 * HOUR) };
    await passes.apply(a, request(), { day: 'race', cap: 10 });
    await passes.apply(b, request(), { day: 'race', cap: 10 });
    const lists = await passes.travellerLists(a);
    const written = await Promise.all([
      passes.approve(a, 'pending', 'QR-A', RULES, 'ok', lists, new Date()),
      passes.approve(b, 'pending', 'QR-B', RULES, 'ok', lists, new Date()),
    ]);
    expect(written.map((w) => w.result).sort()).toEqual(['approved', 'travellers-changed']);
  });

  test('a full quota shard: nothing of the approval is written', async () => {
    const passes = new PassRepository(store);
    const quota = { district: 'north', day: 'full-day', shard: 3, cap: 1 };
    const first = pendingPass('quota-a');
    const second = pendingPass('quota-b');
    for (const p of [first, second]) await passes.apply(p, request(), { day: 'quota', cap: 10 });
    expect((await passes.approve(first, 'pending', 'QR', RULES, 'ok', await passes.travellerLists(first), new Date(), quota)).result).toBe('approved');
    expect(await passes.approve(second, 'pending', 'QR', RULES, 'ok', await passes.travellerLists(second), new Date(), quota)).toEqual({ result: 'quota-full' });
    expect(await passes.get(second.passId, true)).toMatchObject({ status: 'pending' });
    expect((await passes.travellerLists(second))[0].version).toBe(0);
  });

  test('revoking takes the pass off its travellers\' lists; a second revocation finds it changed', async () => {
    const passes = new PassRepository(store);
    const pass = pendingPass('revoke-a');
    await passes.apply(pass, request(), { day: 'revoke', cap: 10 });
    await passes.approve(pass, 'pending', 'QR', RULES, 'ok', await passes.travellerLists(pass), new Date());
    const approved = (await passes.get(pass.passId, true))!;
    const by = { sub: 'admin', name: 'Ann Admin' };
    expect(await passes.revoke(approved, by, 'Reported stolen', await passes.travellerLists(approved), new Date())).toBe('revoked');
    expect(await passes.get(pass.passId, true)).toMatchObject({ status: 'revoked', revokedBy: by, revokeReason: 'Reported stolen' });
    expect((await passes.travellerLists(approved))[0]).toMatchObject({ version: 2, active: [] });
    expect(await passes.revoke(approved, by, 'Again', await passes.travellerLists(approved), new Date())).toBe('changed');
  });
});

describe('AuditRepository', () => {
  test('a check and a refused decision are each written once, under their day\'s and their pass\'s keys', async () => {
    const audit = new AuditRepository(store);
    await audit.recordCheck({
      checkId: 'check-1',
      checkedAt: '2026-12-01T10:00:00.000Z',
      officer: { sub: 'officer', name: 'Pat' },
      checkpoint: 'A1',
      sourceIp: '203.0.113.9',
      presented: 'number',
      passId: 'TEST-0000-AUDT',
      result: 'unknown',
    });
    await audit.recordRefusal({ id: 'r-1', passId: 'TEST-0000-AUDT', reviewer: { sub: 'rae', name: 'Rae' }, decision: 'approve', conflict: 'owner', at: '2026-12-01T10:00:00.000Z' });
    const checks = await Promise.all(Array.from({ length: 16 }, (_, shard) => store.client.send(new QueryCommand({
      TableName: store.tableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': `CHECK#2026-12-01#${shard}` },
    }))));
    expect(checks.flatMap((c) => c.Items ?? [])).toEqual([expect.objectContaining({ type: 'check', checkId: 'check-1', officer: { sub: 'officer', name: 'Pat' }, result: 'unknown' })]);
    expect(await item(keys.refusal('TEST-0000-AUDT', '2026-12-01T10:00:00.000Z', 'r-1'))).toMatchObject({ type: 'refused-decision', reviewer: { sub: 'rae' }, conflict: 'owner' });
  });
});
