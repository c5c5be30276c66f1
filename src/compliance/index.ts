export * from './compliance';
export * from './compliance-report';
export * from './rule-family';
