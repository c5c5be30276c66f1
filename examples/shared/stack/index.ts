export * from './routes';
export * from './site-domain';
