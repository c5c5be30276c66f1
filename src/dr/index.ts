export * from './dns-failover';
export * from './recovery-bucket';
export * from './replicated-bucket';
