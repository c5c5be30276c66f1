import * as z from 'zod';
import { Conflict, NotFound } from './errors';

export const NewCustomer = z.strictObject({ name: z.string().min(1).max(200), email: z.email().max(254) });
export type NewCustomer = z.infer<typeof NewCustomer>;
export const CustomerParams = z.object({ customerId: z.string().regex(/^c-[0-9]{1,12}$/) });

export interface Customer {
  readonly customerId: string;
  readonly name: string;
  readonly email: string;
  readonly createdAt: string;
}

export interface CustomersStore {
  /** The new customer, or undefined when the e-mail address is taken. */
  insert(customer: NewCustomer): Promise<Customer | undefined>;
  get(customerId: string): Promise<Customer | undefined>;
}

/** Registers a customer; an e-mail address belongs to one customer only. */
export async function createCustomer(store: CustomersStore, customer: NewCustomer): Promise<Customer> {
  const created = await store.insert(customer);
  if (!created) throw new Conflict('a customer with this email exists');
  return created;
}

export async function getCustomer(store: CustomersStore, customerId: string): Promise<Customer> {
  const customer = await store.get(customerId);
  if (!customer) throw new NotFound('customer', customerId);
  return customer;
}
