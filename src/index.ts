export * from './compliance';
export * from './waf';
export * from './site';
export * from './cache';
export * from './dr';
export * from './api';
export * from './data';
export * from './config';
