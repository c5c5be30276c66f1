export * from './secure-site';
