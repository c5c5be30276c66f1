export * from './delivery-environment';
export * from './delivery-source';
export * from './delivery-pipeline';
