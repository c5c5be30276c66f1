import { healthHandler } from './http/route';
import { database } from '../storage/database';
import { pingInvoices } from '../storage/invoices-store';

/** `GET /health/invoices` (invoicesHealth): the invoices schema answers, or 503. */
export const handler = healthHandler('invoices', () => pingInvoices(database()));
