import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../examples/pass/domain/keys';
import { ConsentRepository } from '../../examples/pass/storage/consent-repository';
import { RegistrationRepository, type RegistrationRecord } from '../../examples/pass/storage/registration-repository';
import type { PassStore } from '../../examples/pass/storage/table';
import { createTestTable, type TestTable } from '../../tools/engines/dynamodb-local';

/** The pass system's repositories against DynamoDB Local (`RAMPART_ENGINES=dynamodb-local`). */

let table: TestTable;
let store: PassStore;

beforeAll(async () => {
  table = await createTestTable({ prefix: 'pass-storage', partitionKey: 'pk', sortKey: 'sk' });
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
