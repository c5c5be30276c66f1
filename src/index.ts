export * from './compliance';
export * from './waf';
