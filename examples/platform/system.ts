import * as path from 'path';

/**
 * The microservice platform, declared once: the contract every service answers a part of, and
 * which service owns which operations. The stacks, the local run and the tests read this, so what
 * is tested is what is deployed.
 */

/** The contract (OpenAPI 3), the one definition front end and back end both build against. */
export const PLATFORM_CONTRACT = path.join(__dirname, 'openapi.yaml');

/** A service of the platform: the only owner of its data (its own schema, no foreign keys to another's). */
export interface PlatformServiceSpec {
  /** The operations of the contract it answers, by operationId. */
  readonly operations: readonly string[];
  /** Its `GET /health/<service>` operation (checks its database). */
  readonly healthOperation: string;
  /** Its schema in the platform's database (one schema per service; only its own role may use it). */
  readonly schema: string;
  /** What it is responsible for. */
  readonly description: string;
}

/** The folder of a service's migrations (.sql, applied in order by DatabaseMigrations). */
export function migrationsDir(service: string): string {
  return path.join(__dirname, 'services', service, 'migrations');
}

/** The table recording a service's applied migrations: one per service, so each migrates alone. */
export function migrationsTable(service: string): string {
  return `${service}_migrations`;
}

/** The five services, by name. */
export const PLATFORM_SERVICES = {
  customers: {
    operations: ['createCustomer', 'getCustomer'],
    healthOperation: 'customersHealth',
    schema: 'customers',
    description: 'who the customers are',
  },
  accounts: {
    operations: ['openAccount', 'getAccount', 'listCustomerAccounts', 'getBalance'],
    healthOperation: 'accountsHealth',
    schema: 'accounts',
    description: 'accounts and their balances',
  },
  cards: {
    operations: ['issueCard', 'listAccountCards', 'blockCard'],
    healthOperation: 'cardsHealth',
    schema: 'cards',
    description: 'cards issued on accounts',
  },
  invoices: {
    operations: ['createInvoice', 'listAccountInvoices'],
    healthOperation: 'invoicesHealth',
    schema: 'invoices',
    description: 'invoices an account has to pay',
  },
  transactions: {
    operations: ['recordTransaction', 'listAccountTransactions'],
    healthOperation: 'transactionsHealth',
    schema: 'transactions',
    description: 'transactions booked on accounts',
  },
} as const satisfies Record<string, PlatformServiceSpec>;

export type PlatformServiceName = keyof typeof PLATFORM_SERVICES;

/**
 * Operations no single service owns: the account overview composes the answers of four services
 * for the mobile app's first screen.
 */
export const COMPOSED_OPERATIONS = ['getAccountOverview'] as const;
