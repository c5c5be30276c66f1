export * from './compliance';
export * from './compliance-report';
