export * from './config-entry';
export * from './config-parameter';
export * from './config-secret';
