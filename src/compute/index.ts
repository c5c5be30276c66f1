export * from './container-service';
