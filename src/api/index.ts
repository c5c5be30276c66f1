export * from './traced-function';
export * from './traced-api';
