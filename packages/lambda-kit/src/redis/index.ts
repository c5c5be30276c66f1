export * from './client';
export * from './compute-once';
