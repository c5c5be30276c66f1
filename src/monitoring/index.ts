export * from './alarm-thresholds';
export * from './service-monitoring';
