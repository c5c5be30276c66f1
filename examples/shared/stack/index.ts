export * from './app-context';
export * from './routes';
export * from './site-domain';
