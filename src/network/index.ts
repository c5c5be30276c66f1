export * from './secure-vpc';
