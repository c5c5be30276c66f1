export * from './web-acl-rules';
export * from './regional-web-acl';
export * from './edge-web-acl';
export * from './cloudfront-web-acl';
