import * as fs from 'fs';
import * as path from 'path';
import { Client } from 'pg';
import { at, transactionRecord, userRecord } from './rewards-users-records';
import { applyRecords, donationsTo, goodsSold, MIGRATIONS_DIR, officersMet, profile } from '../../examples/rewards/users-domain/users-domain';
import type * as Migrations from '../../src/data/database-migrations.lambda';
import { postgresConnection } from '../../tools/engines/postgres';

/**
 * The users domain on PostgreSQL: its schema applied by the migrations bundle DatabaseMigrations
 * deploys, a scripted day of records from both streams (built by the forwarders' own mappings),
 * the four questions answered with exactly the expected rows, and both streams replayed from the
 * start (and records delivered twice) changing nothing.
 */

const BUNDLE = path.resolve(__dirname, '../../assets/data/database-migrations.lambda/index.js');
if (!fs.existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run 'npx projen bundle'`);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { migrate } = require(BUNDLE) as typeof Migrations;

const DATABASE = `rewards_users_${process.pid}`;
let db: Client;

const user = userRecord;
const tx = transactionRecord;

/** A day: sign-ups, encounters, exchanges, donations and a giveaway, in the order the streams deliver them. */
const USERS = [user('civ-1', 'civilian', '07:00'), user('civ-2', 'civilian', '07:05'), user('off-1', 'officer', '07:10'), user('off-2', 'officer', '07:11'),
  user('shop-1', 'merchant', '07:20'), user('fam-1', 'family', '07:30'), user('ch-1', 'charity', '07:31')];
const TRANSACTIONS = [
  tx('encounter', 'civ-1', 'off-1', 1, 10, 5, '09:00'), tx('encounter', 'civ-1', 'off-2', 1, 10, 5, '10:00'), tx('encounter', 'civ-1', 'off-1', 1, 10, 5, '15:00'),
  tx('encounter', 'civ-2', 'off-2', 1, 10, 5, '11:00'),
  tx('exchange', 'civ-1', 'shop-1', 3, -1, 1, '12:00', 'coffee'), tx('exchange', 'civ-2', 'shop-1', 2, -1, 1, '12:30', 'coffee'), tx('exchange', 'civ-1', 'shop-1', 5, -1, 1, '13:00', 'sandwich'),
  tx('donation', 'civ-1', 'fam-1', 4, -1, 1, '16:00'), tx('donation', 'off-1', 'fam-1', 2, -1, 1, '16:30'), tx('donation', 'civ-2', 'ch-1', 6, -1, 1, '17:00'),
  tx('giveaway', 'off-1', 'off-2', 1, -1, 1, '18:00'),
];
const DAY = [...USERS, ...TRANSACTIONS];

async function answers() {
  return {
    civilian: await profile(db, 'civ-1'),
    merchant: await profile(db, 'shop-1'),
    met: await officersMet(db, 'civ-1'),
    donations: await donationsTo(db, 'fam-1'),
    sold: await goodsSold(db, 'shop-1'),
  };
}

beforeAll(async () => {
  const admin = new Client(postgresConnection());
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  await admin.end();
  expect(await migrate(postgresConnection(DATABASE), { dir: MIGRATIONS_DIR, log: () => undefined })).toEqual(['001_users_and_transactions.sql']);
  db = new Client(postgresConnection(DATABASE));
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  const admin = new Client(postgresConnection());
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
  await admin.end();
});

describe('users domain', () => {
  test('after a scripted day, the four questions return exactly the expected rows', async () => {
    expect(await applyRecords(db, DAY)).toBe(DAY.length);
    const a = await answers();
    expect(a.civilian).toEqual({ user_id: 'civ-1', kind: 'civilian', created_at: new Date(at('07:00')), transactions: 6, points: 30 - 3 - 5 - 4 });
    expect(a.merchant).toEqual({ user_id: 'shop-1', kind: 'merchant', created_at: new Date(at('07:20')), transactions: 3, points: 10 });
    expect(a.met).toEqual([
      { officer_id: 'off-1', encounters: 2, last_met: new Date(at('15:00')) },
      { officer_id: 'off-2', encounters: 1, last_met: new Date(at('10:00')) },
    ]);
    expect(a.donations).toEqual([
      { transaction_id: 'tx-8', donor_id: 'civ-1', points: 4, occurred_at: new Date(at('16:00')) },
      { transaction_id: 'tx-9', donor_id: 'off-1', points: 2, occurred_at: new Date(at('16:30')) },
    ]);
    expect(a.sold).toEqual([
      { goods: 'coffee', units: 5, points: 5, exchanges: 2 },
      { goods: 'sandwich', units: 5, points: 5, exchanges: 1 },
    ]);
  });

  test('replaying both streams from the start, and records delivered twice, change nothing', async () => {
    const before = await answers();
    expect(await applyRecords(db, DAY)).toBe(0);
    expect(await applyRecords(db, [...TRANSACTIONS].reverse().flatMap((r) => [r, r]))).toBe(0);
    expect(await answers()).toEqual(before);
    expect(await profile(db, 'nobody')).toBeUndefined();
  });

  test('the migrations are applied once: a second deployment finds nothing pending', async () => {
    expect(await migrate(postgresConnection(DATABASE), { dir: MIGRATIONS_DIR, log: () => undefined })).toEqual([]);
  });
});
