export * from './web-acl-rules';
export * from './regional-web-acl';
