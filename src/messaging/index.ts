export * from './work-queue';
