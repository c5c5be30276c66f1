import * as z from 'zod';

export const NewTransaction = z.strictObject({
  accountId: z.string().regex(/^a-[0-9]{1,12}$/),
  amountMinor: z.number().int().min(-100_000_000).max(100_000_000).refine((n) => n !== 0, 'a transaction moves money: not 0'),
  currency: z.enum(['EUR', 'USD', 'GBP']),
  description: z.string().min(1).max(140),
});
export type NewTransaction = z.infer<typeof NewTransaction>;

export interface Transaction extends NewTransaction {
  readonly transactionId: string;
  readonly bookedAt: string;
}

export interface TransactionsStore {
  insert(transaction: NewTransaction): Promise<Transaction>;
  latest(accountId: string, count: number): Promise<Transaction[]>;
}

export async function recordTransaction(store: TransactionsStore, transaction: NewTransaction): Promise<Transaction> {
  return store.insert(transaction);
}

/** The latest `count` transactions of an account, newest first. */
export async function listAccountTransactions(store: TransactionsStore, accountId: string, count: number): Promise<{ items: Transaction[] }> {
  return { items: await store.latest(accountId, count) };
}
