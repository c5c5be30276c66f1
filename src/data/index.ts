export * from './data-table';
export * from './idempotency-table';
