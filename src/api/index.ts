export * from './traced-function';
export * from './traced-api-route';
export * from './traced-api';
