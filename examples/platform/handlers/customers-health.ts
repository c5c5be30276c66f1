import { healthHandler } from './http/route';
import { pingCustomers } from '../storage/customers-store';
import { database } from '../storage/database';

/** `GET /health/customers` (customersHealth): the customers schema answers, or 503. */
export const handler = healthHandler('customers', () => pingCustomers(database()));
