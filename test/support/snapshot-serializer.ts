/**
 * Replaces values that differ between machines or library upgrades (asset hashes, bootstrap
 * versions of the CDK asset zip names) so snapshots show only what our code decides.
 */
const ASSET_HASH = /[0-9a-f]{64}/g;

export const assetHashSerializer: jest.SnapshotSerializerPlugin = {
  test: (val: unknown) => typeof val === 'string' && (val.match(ASSET_HASH) !== null),
  serialize: (val: string) => JSON.stringify(val.replace(ASSET_HASH, '[ASSET HASH]')),
};
