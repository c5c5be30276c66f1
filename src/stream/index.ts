export * from './event-archive';
