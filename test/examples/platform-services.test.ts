import { apiGatewayEvent, jsonApiGatewayEvent } from '@cdk-rampart/lambda-kit/testing';
import { Pool } from 'pg';
import { contractCalls, platformDatabase } from './platform-support';
import { handler as blockCard } from '../../examples/platform/handlers/cards-block-card';
import { handler as cardsHealth } from '../../examples/platform/handlers/cards-health';
import { handler as issueCard } from '../../examples/platform/handlers/cards-issue-card';
import { handler as listAccountCards } from '../../examples/platform/handlers/cards-list-account-cards';
import { handler as createCustomer } from '../../examples/platform/handlers/customers-create-customer';
import { handler as getCustomer } from '../../examples/platform/handlers/customers-get-customer';
import { handler as customersHealth } from '../../examples/platform/handlers/customers-health';
import { handler as createInvoice } from '../../examples/platform/handlers/invoices-create-invoice';
import { handler as invoicesHealth } from '../../examples/platform/handlers/invoices-health';
import { handler as listAccountInvoices } from '../../examples/platform/handlers/invoices-list-account-invoices';
import { handler as transactionsHealth } from '../../examples/platform/handlers/transactions-health';
import { handler as listAccountTransactions } from '../../examples/platform/handlers/transactions-list-account-transactions';
import { handler as recordTransaction } from '../../examples/platform/handlers/transactions-record-transaction';
import { migrationsTable, PLATFORM_SERVICES, PlatformServiceName } from '../../examples/platform/system';
import { postgresConnection } from '../../tools/engines/postgres';

/**
 * The customers, cards, invoices and transactions services against PostgreSQL (the accounts
 * service has its own file), every service's schema made by its own migrations in one database
 * (as in the platform's RelationalDatabase); every answer checked against the contract.
 */

const DATABASE = `platform_services_${process.pid}`;
const SERVICES = Object.keys(PLATFORM_SERVICES) as PlatformServiceName[];
const { call, answered } = contractCalls('platform');

const post = (operationId: string, handler: any, resource: string, json: unknown) => call(operationId, handler, jsonApiGatewayEvent({ method: 'POST', resource, json }));
const get = (operationId: string, handler: any, resource: string, pathParameters?: Record<string, string>, query?: Record<string, string>) =>
  call(operationId, handler, apiGatewayEvent({ method: resource.endsWith('/block') ? 'POST' : 'GET', resource, pathParameters, query }));

platformDatabase(DATABASE, SERVICES);

test('every service migrates its own schema and records it in its own table; no foreign key anywhere, so none crosses services', async () => {
  const db = new Pool(postgresConnection(DATABASE));
  const schemas = (await db.query('SELECT schema_name FROM information_schema.schemata WHERE schema_name = ANY($1) ORDER BY 1', [SERVICES])).rows.map((r) => r.schema_name);
  expect(schemas).toEqual([...SERVICES].sort());
  for (const service of SERVICES) {
    expect((await db.query(`SELECT name FROM ${migrationsTable(service)}`)).rows.map((r) => r.name)).toEqual([`001_${service}`]);
  }
  expect((await db.query("SELECT count(*)::int AS n FROM information_schema.table_constraints WHERE constraint_type = 'FOREIGN KEY'")).rows[0].n).toBe(0);
  await db.end();
});

test('customers: 201 with Location, read back; the same e-mail in another case is 409; a bad e-mail is 400 naming the field; unknown is 404', async () => {
  const created = await post('createCustomer', createCustomer, '/customers', { name: 'Ada Lovelace', email: 'ada@example.com' });
  expect(created.status).toBe(201);
  expect(created.headers.Location).toBe(`/customers/${created.body.customerId}`);
  expect((await get('getCustomer', getCustomer, '/customers/{customerId}', { customerId: created.body.customerId })).body).toEqual(created.body);
  const again = await post('createCustomer', createCustomer, '/customers', { name: 'Ada', email: 'ADA@example.com' });
  expect(again).toMatchObject({ status: 409, body: { message: 'a customer with this email exists' } });
  const invalid = await post('createCustomer', createCustomer, '/customers', { name: 'Ada', email: 'not-an-address' });
  expect(invalid.status).toBe(400);
  expect(JSON.stringify(invalid.body)).toContain('email');
  expect((await get('getCustomer', getCustomer, '/customers/{customerId}', { customerId: 'c-999999' })).status).toBe(404);
});

test('cards: issued ACTIVE for three years on the account; listed by account; blocked twice is blocked once; unknown is 404', async () => {
  const issued = await post('issueCard', issueCard, '/cards', { accountId: 'a-7', brand: 'VISA' });
  expect(issued.status).toBe(201);
  expect(issued.body).toMatchObject({ accountId: 'a-7', brand: 'VISA', status: 'ACTIVE', expires: `${new Date().getUTCFullYear() + 3}-${String(new Date().getUTCMonth() + 1).padStart(2, '0')}` });
  expect(issued.body.last4).toMatch(/^[0-9]{4}$/);
  expect((await get('listAccountCards', listAccountCards, '/accounts/{accountId}/cards', { accountId: 'a-7' })).body.items).toEqual([issued.body]);
  for (let i = 0; i < 2; i++) {
    const blocked = await get('blockCard', blockCard, '/cards/{cardId}/block', { cardId: issued.body.cardId });
    expect(blocked).toMatchObject({ status: 200, body: { cardId: issued.body.cardId, status: 'BLOCKED' } });
  }
  expect((await get('blockCard', blockCard, '/cards/{cardId}/block', { cardId: 'k-999999' })).status).toBe(404);
  const invalid = await post('issueCard', issueCard, '/cards', { accountId: 'a-7', brand: 'AMEX' });
  expect(invalid.status).toBe(400);
  expect(JSON.stringify(invalid.body)).toContain('brand');
});

test('invoices and transactions: the latest n of an account, newest first, of that account only; 0 and junk refused naming the field', async () => {
  for (const [issuer, dueDate] of [['Water', '2026-11-15'], ['Power', '2026-12-15'], ['Phone', '2026-12-01']]) {
    expect((await post('createInvoice', createInvoice, '/invoices', { accountId: 'a-8', issuer, amountMinor: 1000, currency: 'EUR', dueDate })).status).toBe(201);
  }
  await post('createInvoice', createInvoice, '/invoices', { accountId: 'a-9', issuer: 'Other', amountMinor: 1, currency: 'EUR', dueDate: '2027-01-01' });
  const invoices = await get('listAccountInvoices', listAccountInvoices, '/accounts/{accountId}/invoices', { accountId: 'a-8' }, { latest: '2' });
  expect(invoices.body.items.map((i: any) => i.issuer)).toEqual(['Power', 'Phone']);
  const badDate = await post('createInvoice', createInvoice, '/invoices', { accountId: 'a-8', issuer: 'X', amountMinor: 1, currency: 'EUR', dueDate: '15/12/2026' });
  expect(badDate.status).toBe(400);
  expect(JSON.stringify(badDate.body)).toContain('dueDate');

  const booked: string[] = [];
  for (const [amountMinor, description] of [[-5000, 'Groceries'], [250000, 'Salary'], [-1200, 'Coffee']] as const) {
    const t = await post('recordTransaction', recordTransaction, '/transactions', { accountId: 'a-8', amountMinor, currency: 'EUR', description });
    expect(t.status).toBe(201);
    booked.push(t.body.transactionId);
  }
  const latest = await get('listAccountTransactions', listAccountTransactions, '/accounts/{accountId}/transactions', { accountId: 'a-8' });
  expect(latest.body.items.map((t: any) => t.transactionId)).toEqual([...booked].reverse());
  const zero = await post('recordTransaction', recordTransaction, '/transactions', { accountId: 'a-8', amountMinor: 0, currency: 'EUR', description: 'nothing' });
  expect(zero.status).toBe(400);
  expect(JSON.stringify(zero.body)).toContain('amountMinor');
  const tooMany = await get('listAccountTransactions', listAccountTransactions, '/accounts/{accountId}/transactions', { accountId: 'a-8' }, { latest: '51' });
  expect(tooMany.status).toBe(400);
  expect(JSON.stringify(tooMany.body)).toContain('latest');
});

test('every service\'s health check reads its own schema', async () => {
  for (const [operationId, handler] of [['customersHealth', customersHealth], ['cardsHealth', cardsHealth], ['invoicesHealth', invoicesHealth], ['transactionsHealth', transactionsHealth]] as const) {
    const health = await call(operationId, handler as any, apiGatewayEvent({ method: 'GET', resource: `/health/${operationId.replace('Health', '')}` }));
    expect(health).toMatchObject({ status: 200, body: { service: operationId.replace('Health', ''), status: 'OK', database: 'OK' } });
  }
});

test('every operation of these four services was answered and checked against the contract', () => {
  const expected = SERVICES.filter((s) => s !== 'accounts').flatMap((s) => [...PLATFORM_SERVICES[s].operations, PLATFORM_SERVICES[s].healthOperation]);
  expect([...answered].sort()).toEqual(expected.sort());
});
