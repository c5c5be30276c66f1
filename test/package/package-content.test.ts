import * as fs from 'fs';
import * as path from 'path';
import { expectBuiltLibrary, pack, PackResult, ROOT } from './published';

/** The budget of the published package, unpacked. It holds about 1.45 MB today (API.md is not published). */
const UNPACKED_BUDGET = 2 * 1024 * 1024;
/** The gzipped tarball must stay under this. */
const TARBALL_BUDGET = 1024 * 1024;

/** Paths that have no business in the package: build output of the examples, sources, tests, dev configs. */
const FORBIDDEN: Array<[RegExp, string]> = [
  [/^cdk\.out\//, 'synthesized assemblies'],
  [/^(examples|test|bench|tools|docs|build|src|projenrc|rosetta|coverage|test-reports|dist)\//, 'repository folders'],
  [/(^|\/)tsconfig[^/]*\.json$/, 'TypeScript configs'],
  [/^\.(eslintrc[^/]*|projenrc\.ts|projen\/.*|github\/.*|gitattributes|gitignore|npmignore|mergify\.yml|ci\/.*)$/, 'dev configs'],
  [/^lib\/.*\.lambda\.(js|d\.ts)$/, 'handler sources (bundled into assets/ instead)'],
  [/((?<!\.d)\.ts|\.map|\.tgz|\.tsbuildinfo)$/, 'sources, maps and archives'],
];

describe('the published package', () => {
  let tarball: PackResult;
  let files: string[];
  beforeAll(() => {
    expectBuiltLibrary();
    tarball = pack();
    files = tarball.files.map((f) => f.path);
    const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
    // eslint-disable-next-line no-console
    console.log(`npm pack: ${kb(tarball.size)} tarball, ${kb(tarball.unpackedSize)} unpacked, ${tarball.entryCount} files`);
  });

  test(`stays within its size budget (${UNPACKED_BUDGET / 1024 / 1024} MB unpacked, tarball under ${TARBALL_BUDGET / 1024 / 1024} MB)`, () => {
    const largest = [...tarball.files].sort((a, b) => b.size - a.size).slice(0, 5).map((f) => `${f.path} ${f.size}`);
    expect({ unpackedSize: tarball.unpackedSize <= UNPACKED_BUDGET, largest }).toEqual({ unpackedSize: true, largest });
    expect(tarball.size).toBeLessThan(TARBALL_BUDGET);
  });

  test('holds no synthesized assemblies, repository folders, dev configs or handler sources', () => {
    const offending = files.flatMap((f) => FORBIDDEN.filter(([re]) => re.test(f)).map(([, what]) => `${f} (${what})`));
    expect(offending).toEqual([]);
  });

  test('holds only lib/, the handler assets, the jsii assembly and its samples, and the README', () => {
    // API.md is not published: Construct Hub renders the API reference from the .jsii assembly,
    // and API.md (about 620 KB) stays in the repository for readers there.
    const allowed = /^(lib\/.+\.(js|d\.ts)|assets\/.+|\.jsii|\.jsii\.gz|\.jsii\.tabl\.json\.gz|README\.md|LICENSE|package\.json)$/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    for (const required of ['lib/index.js', 'lib/index.d.ts', '.jsii', '.jsii.gz', 'README.md', 'LICENSE', 'package.json']) {
      expect(files).toContain(required);
    }
  });

  test('every JavaScript file in lib/ has its declarations', () => {
    const js = files.filter((f) => f.startsWith('lib/') && f.endsWith('.js'));
    expect(js.filter((f) => !files.includes(f.replace(/\.js$/, '.d.ts')))).toEqual([]);
  });

  test('every library handler is in the package, prebuilt', () => {
    // src/<area>/<name>.lambda.ts is bundled into assets/<area>/<name>.lambda/index.js, which its
    // generated <name>-function.ts loads at synth.
    const handlers = fs.readdirSync(path.join(ROOT, 'src'), { recursive: true, encoding: 'utf-8' }).filter((f) => f.endsWith('.lambda.ts'));
    expect(handlers.length).toBeGreaterThan(0);
    const missing = handlers.map((h) => `assets/${h.replace(/\.ts$/, '')}/index.js`).filter((asset) => !files.includes(asset));
    expect(missing).toEqual([]);
  });
});
