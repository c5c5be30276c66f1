export * from './data-table';
export * from './idempotency-table';
export * from './relational-database';
export * from './database-migrations';
