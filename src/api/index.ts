export * from './traced-function';
export * from './traced-api-route';
export * from './rest-gateway-options';
export * from './traced-api';
export * from './contract-document';
export * from './contract-implementation';
export * from './contract-api';
