/**
 * Every TypeScript sample of README.md and of the examples' READMEs is a test.
 *
 * - Each ```ts block is found automatically and type-checked against the library source
 *   (`cdk-rampart` resolves to src/), all samples in one program.
 * - Setup a sample needs but does not show comes from a fixture, the way jsii-rosetta does it: the
 *   fence names it (```ts fixture=dr reads rosetta/dr.ts-fixture), a sample without one gets
 *   rosetta/default.ts-fixture (its code runs in a stack's constructor), ```ts nofixture is taken as
 *   it is. The sample replaces the fixture's `/// here` line; its imports move to the top.
 * - A sample that creates an App (itself or through its fixture) is run, and every app it creates
 *   that holds a resource is synthesized with every compliance pack and the CloudFormation schema
 *   check, and must be compliant. Fixtures that only `declare` what they provide make a sample type-checked only.
 *   Samples run in a scratch project directory holding `web/dist/` (a page), `service/Dockerfile`
 *   and `build/` (this repository's example bundles), so the paths they name resolve.
 * - Every `Code.fromAsset('<path>')` a sample names exists in the repository (after
 *   `npx projen examples:build`).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnResource } from 'aws-cdk-lib';
import * as ts from 'typescript';
import { Compliance, ComplianceReport } from '../../src';

const ROOT = path.resolve(__dirname, '..', '..');
const SRC = path.join(ROOT, 'src', 'index.ts');
const SAMPLES_DIR = path.join(ROOT, 'test', 'docs', '__samples__');

interface Sample {
  readonly id: string;
  readonly file: string;
  readonly line: number;
  readonly fixture?: string;
  readonly code: string;
}

/** The README files whose samples are tested: the project's and each example's. */
function readmes(): string[] {
  const examples = fs.readdirSync(path.join(ROOT, 'examples'))
    .map((e) => path.join(ROOT, 'examples', e, 'README.md'))
    .filter((f) => fs.existsSync(f));
  return [path.join(ROOT, 'README.md'), ...examples];
}

function extractSamples(file: string): Sample[] {
  const lines = fs.readFileSync(file, 'utf-8').split('\n');
  const out: Sample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(ts|typescript)\b(.*)$/.exec(lines[i]);
    if (!fence) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    const info = fence[2];
    const fixture = /\bnofixture\b/.test(info) ? undefined : /\bfixture=([\w-]+)/.exec(info)?.[1] ?? 'default';
    const rel = path.relative(ROOT, file);
    out.push({ id: `${rel}:${start + 1}`, file: rel, line: start + 1, fixture, code: body.join('\n') });
  }
  return out;
}

/** The sample inside its fixture, its imports first, `cdk-rampart` pointing at the source. */
function program(sample: Sample): string {
  const isImport = (l: string) => /^import\s/.test(l);
  const lines = sample.code.split('\n');
  const imports = lines.filter(isImport);
  const body = lines.filter((l) => !isImport(l)).join('\n');
  let text: string;
  if (sample.fixture === undefined) {
    text = [...imports, body].join('\n');
  } else {
    const fixtureFile = path.join(ROOT, 'rosetta', `${sample.fixture}.ts-fixture`);
    if (!fs.existsSync(fixtureFile)) throw new Error(`${sample.id}: fixture '${sample.fixture}' not found (${path.relative(ROOT, fixtureFile)})`);
    const fixture = fs.readFileSync(fixtureFile, 'utf-8');
    if (!fixture.includes('/// here')) throw new Error(`${path.relative(ROOT, fixtureFile)} has no '/// here' line`);
    text = [...imports, fixture.replace(/^.*\/\/\/ here.*$/m, body)].join('\n');
  }
  const src = path.relative(SAMPLES_DIR, SRC).replace(/\\/g, '/').replace(/\.ts$/, '');
  return `${text.replace(/from 'cdk-rampart'/g, `from '${src}'`)}\nexport {};\n`;
}

const samples = readmes().flatMap(extractSamples);
const sources = new Map(samples.map((s, i) => [path.join(SAMPLES_DIR, `sample-${i + 1}.ts`), { sample: s, text: program(s) }]));

/** Type-check every sample in one program; the diagnostics, each with the sample it comes from. */
function typeCheck(): string[] {
  const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.dev.json'), ts.sys.readFile).config;
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  const options: ts.CompilerOptions = { ...parsed.options, noEmit: true, noUnusedLocals: false, noUnusedParameters: false, skipLibCheck: true };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) => {
    const own = sources.get(path.resolve(name));
    return own ? ts.createSourceFile(name, own.text, lang, true) : getSourceFile(name, lang, ...rest);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => sources.has(path.resolve(name)) || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => sources.get(path.resolve(name))?.text ?? readFile(name);
  const prog = ts.createProgram([...sources.keys()], options, host);
  return ts.getPreEmitDiagnostics(prog)
    .filter((d) => d.file && sources.has(path.resolve(d.file.fileName)))
    .map((d) => {
      const { sample } = sources.get(path.resolve(d.file!.fileName))!;
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      const text = d.file!.text.split('\n')[line];
      return `${sample.id} (README sample): TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}\n    ${text.trim()}`;
    });
}

/** Wraps each `new App(...)` of the sample so the test can synthesize it. */
const trackApps: ts.TransformerFactory<ts.SourceFile> = (ctx) => (sf) => {
  const visit = (node: ts.Node): ts.Node => {
    const n = ts.visitEachChild(node, visit, ctx);
    if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'App') {
      return ts.factory.createCallExpression(ts.factory.createIdentifier('__sampleApp'), undefined, [n]);
    }
    return n;
  };
  return ts.visitNode(sf, visit) as ts.SourceFile;
};

/** Run a sample; the apps it created. */
function runSample(file: string, text: string, cwd: string): App[] {
  const js = ts.transpileModule(text, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    transformers: { before: [trackApps] },
  }).outputText;
  const jsFile = file.replace(/\.ts$/, '.js');
  fs.mkdirSync(path.dirname(jsFile), { recursive: true });
  const apps: App[] = [];
  (globalThis as any).__rampartSampleApps = apps;
  fs.writeFileSync(jsFile, `const __sampleApp = (a) => (globalThis.__rampartSampleApps.push(a), a);\n${js}`);
  const previous = process.cwd();
  process.chdir(cwd);
  try {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(jsFile);
    });
  } finally {
    process.chdir(previous);
    fs.rmSync(jsFile, { force: true });
  }
  return apps;
}

/** Synthesize with every pack and the schema check; the report (all packs required). */
function synthWithEveryPack(app: App, cwd: string): ComplianceReport {
  Compliance.of(app).enable(); // a no-op when the sample enabled every pack itself
  const previous = { cwd: process.cwd(), validation: process.env.CDK_VALIDATION };
  process.chdir(cwd);
  process.env.CDK_VALIDATION = 'true';
  const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    app.synth({ force: true });
  } catch (e) {
    if (!/Validation ?Failed|Validation failed/.test(String(e))) throw e;
  } finally {
    error.mockRestore();
    process.chdir(previous.cwd);
    if (previous.validation === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = previous.validation;
  }
  return ComplianceReport.fromAssembly(app.outdir);
}

function scratchProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-readme-'));
  fs.mkdirSync(path.join(dir, 'web', 'dist'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'web', 'dist', 'index.html'), '<!doctype html><title>Sample</title>\n');
  fs.mkdirSync(path.join(dir, 'service'));
  fs.writeFileSync(path.join(dir, 'service', 'Dockerfile'), 'FROM public.ecr.aws/docker/library/node:24-slim\n');
  fs.symlinkSync(path.join(ROOT, 'build'), path.join(dir, 'build'));
  return dir;
}

describe('README samples', () => {
  afterAll(() => fs.rmSync(SAMPLES_DIR, { recursive: true, force: true }));

  test('there are samples, from README.md at least', () => {
    expect(samples.filter((s) => s.file === 'README.md').length).toBeGreaterThanOrEqual(8);
    expect(samples.some((s) => /fromAsset/.test(s.code))).toBe(true);
  });

  test('every sample type-checks against the library', () => {
    expect(typeCheck()).toEqual([]);
  }, 300_000);

  test('every asset path a sample names exists', () => {
    // Literal paths, and template literals over constants the sample defines (`${bundles}/verify`).
    const resolve = (code: string, p: string) => p.replace(/\$\{(\w+)\}/g, (_, name) => new RegExp(`const ${name} = '([^']+)'`).exec(code)?.[1] ?? `<${name}?>`);
    const missing = samples.flatMap((s) => [...s.code.matchAll(/fromAsset\(\s*['`]([^'`]+)['`]/g)]
      .map((m) => resolve(s.code, m[1]))
      .filter((p) => !fs.existsSync(path.join(ROOT, p)))
      .map((p) => `${s.id}: ${p}`));
    expect(missing).toEqual([]);
  });

  const runnable = [...sources].filter(([, { text }]) => /\bnew App\(/.test(text));
  test('the samples that build an app include the cross-region custom-domain SecureSite', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(3);
    // The site in eu-west-1 with a custom domain: its certificate comes from a companion us-east-1 stack.
    const site = runnable.filter(([, { sample }]) => /new SecureSite\(/.test(sample.code) && /domainNames:/.test(sample.code) && /region: 'eu-west-1'/.test(sample.code));
    expect(site.map(([, { sample }]) => sample.file)).toContain('README.md');
  });

  test.each(runnable.map(([file, { sample, text }]) => [sample.id, file, text]))(
    '%s synthesizes compliant with every pack',
    (_id, file, text) => {
      const cwd = scratchProject();
      const apps = runSample(file, text, cwd);
      expect(apps.length).toBeGreaterThan(0);
      // An app holding no resource is the default fixture's own, around a sample that builds its app itself.
      const built = apps.filter((app) => app.node.findAll().some((c) => CfnResource.isCfnResource(c)));
      expect(built.length).toBeGreaterThan(0);
      for (const app of built) {
        const report = synthWithEveryPack(app, cwd);
        expect(report.describeFindings()).toBe('');
        expect(report.compliant).toBe(true);
        expect(report.packsRun).toEqual([...Compliance.DEFAULT_PACKS].sort());
      }
    },
    300_000,
  );
});
