export * from './event-column';
export * from './event-archive';
