export * from './errors';
export * from './observability';
export * from './aws';
export * from './http';
export * from './config';
export * from './groups';
