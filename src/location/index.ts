export * from './location-tracking';
