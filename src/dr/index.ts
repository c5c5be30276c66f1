export * from './dns-failover';
export * from './recovery-bucket';
export * from './replicated-bucket';
export * from './cache-snapshot-export';
