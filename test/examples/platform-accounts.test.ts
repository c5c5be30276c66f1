import { apiGatewayEvent, jsonApiGatewayEvent } from '@cdk-rampart/lambda-kit/testing';
import { Pool } from 'pg';
import { contractCalls, migrationsRunner, platformDatabase } from './platform-support';
import { handler as getAccount } from '../../examples/platform/handlers/accounts-get-account';
import { handler as getBalance } from '../../examples/platform/handlers/accounts-get-balance';
import { handler as health } from '../../examples/platform/handlers/accounts-health';
import { handler as listCustomerAccounts } from '../../examples/platform/handlers/accounts-list-customer-accounts';
import { handler as openAccount } from '../../examples/platform/handlers/accounts-open-account';
import { healthHandler } from '../../examples/platform/handlers/http/route';
import { pingAccounts } from '../../examples/platform/storage/accounts-store';
import { migrationsDir, migrationsTable, PLATFORM_SERVICES } from '../../examples/platform/system';
import { postgresConnection } from '../../tools/engines/postgres';

/**
 * The accounts service against PostgreSQL, its schema made by its migrations through the same
 * runner DatabaseMigrations deploys; every answer checked against the contract.
 */

const migrate = migrationsRunner();
const DATABASE = `platform_accounts_${process.pid}`;
const { call, answered } = contractCalls('accounts');
const open = (json: unknown) => call('openAccount', openAccount, jsonApiGatewayEvent({ method: 'POST', resource: '/accounts', json }));
const byId = (id: string) => call('getAccount', getAccount, apiGatewayEvent({ method: 'GET', resource: '/accounts/{accountId}', pathParameters: { accountId: id } }));

platformDatabase(DATABASE, ['accounts'], (applied) => {
  expect(applied.accounts).toEqual(['001_accounts.sql']);
});

test('migrations are applied once: a second run applies none', async () => {
  expect(await migrate(postgresConnection(DATABASE), { dir: migrationsDir('accounts'), table: migrationsTable('accounts'), log: () => undefined })).toEqual([]);
});

test('openAccount: 201, OPEN with a zero balance, Location; the account, the customer\'s list and the balance read it back', async () => {
  const created = await open({ customerId: 'c-1001', name: 'Everyday', currency: 'EUR' });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ customerId: 'c-1001', name: 'Everyday', currency: 'EUR', status: 'OPEN' });
  expect(created.body.accountId).toMatch(/^a-[0-9]+$/);
  expect(created.headers.Location).toBe(`/accounts/${created.body.accountId}`);
  const savings = await open({ customerId: 'c-1001', name: 'Savings', currency: 'EUR' });

  expect((await byId(created.body.accountId)).body).toEqual(created.body);
  const list = await call('listCustomerAccounts', listCustomerAccounts, apiGatewayEvent({ method: 'GET', resource: '/customers/{customerId}/accounts', pathParameters: { customerId: 'c-1001' } }));
  expect(list.body.items.map((a: any) => a.accountId)).toEqual([created.body.accountId, savings.body.accountId]);
  const none = await call('listCustomerAccounts', listCustomerAccounts, apiGatewayEvent({ method: 'GET', resource: '/customers/{customerId}/accounts', pathParameters: { customerId: 'c-9' } }));
  expect(none.body).toEqual({ items: [] });
  const balance = await call('getBalance', getBalance, apiGatewayEvent({ method: 'GET', resource: '/accounts/{accountId}/balance', pathParameters: { accountId: created.body.accountId } }));
  expect(balance.body).toMatchObject({ accountId: created.body.accountId, currency: 'EUR', availableMinor: 0, bookedMinor: 0 });
});

test('refusals name the field (400) and write nothing; an unknown account is 404', async () => {
  const db = new Pool(postgresConnection(DATABASE));
  const before = (await db.query('SELECT count(*)::int AS n FROM accounts.accounts')).rows[0].n;
  for (const [json, field] of [
    [{ customerId: 'c-1', name: 'X', currency: 'JPY' }, 'currency'],
    [{ customerId: 'nobody', name: 'X', currency: 'EUR' }, 'customerId'],
    [{ customerId: 'c-1', name: '', currency: 'EUR' }, 'name'],
    [{ customerId: 'c-1', name: 'X', currency: 'EUR', balance: 100 }, 'balance'],
  ] as const) {
    const refused = await open(json);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain(field);
  }
  expect((await db.query('SELECT count(*)::int AS n FROM accounts.accounts')).rows[0].n).toBe(before);
  await db.end();
  const missing = await byId('a-999999');
  expect(missing.status).toBe(404);
  expect(missing.body.message).toBe('account a-999999 not found');
  const noBalance = await call('getBalance', getBalance, apiGatewayEvent({ method: 'GET', resource: '/accounts/{accountId}/balance', pathParameters: { accountId: 'a-999999' } }));
  expect(noBalance.status).toBe(404);
});

test('GET /health/accounts: 200 when the accounts schema answers, 503 with Retry-After when the database does not', async () => {
  const ok = await call('accountsHealth', health as any, apiGatewayEvent({ method: 'GET', resource: '/health/accounts' }));
  expect(ok).toMatchObject({ status: 200, body: { service: 'accounts', status: 'OK', database: 'OK' } });
  // A database nobody listens on: the check fails within its timeout, it does not hang or throw.
  const unreachable = new Pool({ ...postgresConnection(DATABASE), port: 1, connectionTimeoutMillis: 500 });
  const down = await call('accountsHealth', healthHandler('accounts', () => pingAccounts(unreachable)) as any, apiGatewayEvent({ method: 'GET', resource: '/health/accounts' }));
  await unreachable.end();
  expect(down).toMatchObject({ status: 503, headers: { 'Retry-After': '5' }, body: { service: 'accounts', status: 'UNAVAILABLE', database: 'UNAVAILABLE' } });
});

test('every operation of the accounts service was answered and checked against the contract', () => {
  const { operations, healthOperation } = PLATFORM_SERVICES.accounts;
  expect([...answered].sort()).toEqual([...operations, healthOperation].sort());
});
