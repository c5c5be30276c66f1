import * as z from 'zod';
import { NotFound } from './errors';

/** What the contract's NewAccount allows (openapi.yaml), refused field by field otherwise. */
export const NewAccount = z.strictObject({
  customerId: z.string().regex(/^c-[0-9]{1,12}$/),
  name: z.string().min(1).max(100),
  currency: z.enum(['EUR', 'USD', 'GBP']),
});
export type NewAccount = z.infer<typeof NewAccount>;

export const AccountParams = z.object({ accountId: z.string().regex(/^a-[0-9]{1,12}$/) });
export const CustomerParams = z.object({ customerId: z.string().regex(/^c-[0-9]{1,12}$/) });

export interface Account {
  readonly accountId: string;
  readonly customerId: string;
  readonly name: string;
  readonly currency: 'EUR' | 'USD' | 'GBP';
  readonly status: 'OPEN' | 'CLOSED';
  readonly openedAt: string;
}

export interface Balance {
  readonly accountId: string;
  readonly currency: Account['currency'];
  readonly availableMinor: number;
  readonly bookedMinor: number;
  readonly asOf: string;
}

/** Where accounts live (PostgreSQL in AWS and in the tests: storage/accounts-store.ts). */
export interface AccountsStore {
  insert(account: NewAccount): Promise<Account>;
  get(accountId: string): Promise<Account | undefined>;
  listByCustomer(customerId: string): Promise<Account[]>;
  balance(accountId: string): Promise<Balance | undefined>;
}

/** Opens an account: OPEN, with a zero balance. */
export async function openAccount(store: AccountsStore, account: NewAccount): Promise<Account> {
  return store.insert(account);
}

export async function getAccount(store: AccountsStore, accountId: string): Promise<Account> {
  const account = await store.get(accountId);
  if (!account) throw new NotFound('account', accountId);
  return account;
}

/** A customer's accounts, oldest first; none is an empty list (the customer is another service's). */
export async function listCustomerAccounts(store: AccountsStore, customerId: string): Promise<{ items: Account[] }> {
  return { items: await store.listByCustomer(customerId) };
}

export async function getBalance(store: AccountsStore, accountId: string): Promise<Balance> {
  const balance = await store.balance(accountId);
  if (!balance) throw new NotFound('account', accountId);
  return balance;
}
