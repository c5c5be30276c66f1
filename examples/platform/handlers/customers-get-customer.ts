import { platformApi } from './http/route';
import { CustomerParams, getCustomer } from '../domain/customers';
import { customersStore } from '../storage/customers-store';
import { database } from '../storage/database';

/** `GET /customers/{customerId}` (getCustomer). */
export const handler = platformApi({
  params: CustomerParams,
  handle: ({ params }) => getCustomer(customersStore(database()), params.customerId),
});
