import { platformApi } from './http/route';
import { createCustomer, type Customer, NewCustomer } from '../domain/customers';
import { customersStore } from '../storage/customers-store';
import { database } from '../storage/database';

/** `POST /customers` (createCustomer): 409 when the e-mail address is taken. */
export const handler = platformApi({
  body: NewCustomer,
  status: 201,
  location: (c: Customer) => `/customers/${c.customerId}`,
  handle: ({ body }) => createCustomer(customersStore(database()), body),
});
