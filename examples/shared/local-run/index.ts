export * from './identity';
export * from './api-gateway';
export * from './web';
export * from './local-runner';
export * from './local-aws';
export * from './local-session';
