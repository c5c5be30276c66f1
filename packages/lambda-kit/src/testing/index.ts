export * from './lambda-context';
