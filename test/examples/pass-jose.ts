import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildSync } from 'esbuild';

/**
 * jose 6 is an ES module only, which jest's CommonJS runtime cannot require (Node.js itself can,
 * and the Lambda bundles are built by esbuild). Test files therefore load the very same jose
 * bundled to CommonJS by esbuild, as the handler bundles carry it:
 *
 *   jest.mock('jose', () => require('./pass-jose').joseAsCommonJs());
 */
export function joseAsCommonJs(): unknown {
  const outfile = path.join(os.tmpdir(), `rampart-jose-${process.pid}.cjs`);
  if (!fs.existsSync(outfile)) {
    buildSync({ entryPoints: [require.resolve('jose')], bundle: true, format: 'cjs', platform: 'node', target: 'node20', outfile, logLevel: 'error' });
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(outfile);
}
