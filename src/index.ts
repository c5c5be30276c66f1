export * from './compliance';
export * from './waf';
export * from './site';
