/**
 * cdk-monitoring-constructs loads about 350 modules: requiring the library does not load it, the
 * first ServiceMonitoring does. Checked in a fresh Node process (jest's module registry is not Node's).
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadMonitoringConstructs } from '../../src/monitoring/private/monitoring-constructs';
import { inFreshProcess } from '../support/fresh-process';

const ROOT = path.resolve(__dirname, '..', '..');

describe('loading', () => {
  test('loadMonitoringConstructs is cdk-monitoring-constructs, the peer this package declares', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(loadMonitoringConstructs()).toBe(require('cdk-monitoring-constructs'));
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8')).peerDependencies).toHaveProperty('cdk-monitoring-constructs');
  });

  test.each([
    ['src/index.ts', path.join(ROOT, 'src', 'index.ts')],
    ['lib/index.js', path.join(ROOT, 'lib', 'index.js')],
  ])('requiring %s does not load cdk-monitoring-constructs; the first ServiceMonitoring does', (_name, entry) => {
    if (!fs.existsSync(entry)) return; // lib/ exists only after a build
    const result = inFreshProcess(`
const loaded = () => Object.keys(require.cache).some((k) => k.includes('/cdk-monitoring-constructs/'));
const lib = require(${JSON.stringify(entry)});
const before = loaded();
const { App, Stack } = require('aws-cdk-lib');
new lib.ServiceMonitoring(new Stack(new App(), 'S'), 'Monitoring', { serviceName: 'shop' });
console.log(JSON.stringify({ before, after: loaded() }));`);
    expect(result).toEqual({ before: false, after: true });
  }, 120_000);
});
