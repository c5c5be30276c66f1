import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { canConnect, freePort, spawnEngine } from './_process';
import { LocalEngine, StartedEngine } from './index';

/**
 * s3rver (an S3 implementation on the file system) on 127.0.0.1, in a temporary directory removed
 * on stop. Publishes S3_ENDPOINT (and the local credentials it accepts). Path-style requests only; it checks SigV4 signatures (any
 * credentials whose form is right), serves CORS from each bucket's PutBucketCors configuration,
 * and takes browser POST uploads without checking their policy (its conditions and expiry).
 */
export const engine: LocalEngine = {
  name: 's3rver',
  async start(): Promise<StartedEngine> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-s3rver-'));
    const port = await freePort();
    // s3rver knows one access key (S3RVER); the local runs' AWS credentials (local/local) are added,
    // so every SDK client of a test or a local run signs for it as it does for the other engines.
    const script = [
      "const S3rver = require('s3rver');",
      "require('s3rver/lib/models/account').DUMMY_ACCOUNT.createKeyPair('local', 'local');",
      `new S3rver({ address: '127.0.0.1', port: ${port}, directory: ${JSON.stringify(dir)}, silent: true, vhostBuckets: false }).run();`,
    ].join('\n');
    const spawned = await spawnEngine({
      name: 's3rver',
      command: process.execPath,
      args: ['-e', script],
      cwd: path.dirname(require.resolve('s3rver/package.json')),
      ready: () => canConnect(port),
      timeoutMs: 30_000,
    });
    return {
      name: 's3rver',
      env: { S3_ENDPOINT: `http://127.0.0.1:${port}`, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_REGION: 'us-east-1' },
      async stop() {
        await spawned.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};
