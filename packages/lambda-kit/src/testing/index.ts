export * from './lambda-context';
export * from './api-gateway-event';
