import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expectBuiltLibrary, pack, ROOT } from './published';

/**
 * A new CDK app that follows only the README's Install and Quick start sections, built from the
 * packed tarball in a temporary folder, synthesized by the CDK CLI with every compliance pack.
 *
 * cdk-rampart is installed from the tarball (`npm install --offline`: no registry involved). The
 * packages the README installs next to it (the peers, the CDK CLI, ts-node, TypeScript) are
 * linked from this repository's node_modules instead of downloaded: the same versions, without
 * unpacking 200 MB per run.
 */

interface ReadmeSteps {
  /** The packages of the install line, e.g. `cdk-rampart aws-cdk-lib ...`. */
  readonly install: string[];
  /** The packages of the quick start's dev install line. */
  readonly devInstall: string[];
  /** The quick start's main.ts. */
  readonly mainTs: string;
  /** The quick start's other command lines (a config file, the synth), in order. */
  readonly commands: string[];
}

function section(readme: string, heading: string): string {
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README.md has no "## ${heading}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

function blocks(text: string, lang: string): string[] {
  // A fence may carry words after the language (`ts nofixture`: a complete program).
  return [...text.matchAll(new RegExp('```' + lang + '( [^\\n]*)?\\n([\\s\\S]*?)```', 'g'))].map((m) => m[2]);
}

function commandLines(bash: string): string[] {
  return bash.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter((l) => l && !l.startsWith('#'));
}

function packagesOf(line: string): string[] {
  return line.split(/\s+/).slice(2).filter((w) => !w.startsWith('-'));
}

function readmeSteps(): ReadmeSteps {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');
  expect(readme.indexOf('\n## Install\n')).toBeLessThan(readme.indexOf('\n## The two commands\n'));
  const install = commandLines(blocks(section(readme, 'Install'), 'bash')[0]).find((l) => l.startsWith('npm install '));
  const quickStart = section(readme, 'Quick start');
  const quickBash = commandLines(blocks(quickStart, 'bash').join('\n'));
  const devInstall = quickBash.find((l) => l.startsWith('npm install --save-dev '));
  const commands = quickBash.filter((l) => !l.startsWith('npm install'));
  const [mainTs] = blocks(quickStart, 'ts');
  if (!install || !devInstall || !commands.some((c) => c.startsWith('npx cdk synth')) || !mainTs) {
    throw new Error('README.md: Install/Quick start lack the install line, the dev install line, the synth line or main.ts');
  }
  return { install: packagesOf(install), devInstall: packagesOf(devInstall), mainTs, commands };
}

/** Links a package of this repository's node_modules into the app, with its commands in .bin. */
function linkFromRepository(app: string, spec: string): void {
  const name = spec.replace(/(?!^)@.*$/, '');
  const source = path.join(ROOT, 'node_modules', name);
  if (!fs.existsSync(source)) throw new Error(`${name} (from the README) is not in this repository's node_modules`);
  const target = path.join(app, 'node_modules', name);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.symlinkSync(source, target, 'dir');
  const manifest = JSON.parse(fs.readFileSync(path.join(source, 'package.json'), 'utf-8'));
  const bins: Record<string, string> = typeof manifest.bin === 'string' ? { [name.split('/').pop()!]: manifest.bin } : manifest.bin ?? {};
  fs.mkdirSync(path.join(app, 'node_modules', '.bin'), { recursive: true });
  for (const [command, file] of Object.entries(bins)) {
    fs.symlinkSync(path.join(source, file), path.join(app, 'node_modules', '.bin', command));
  }
}

/** Runs a command; on failure, throws with its output. */
function run(command: string, args: string[], cwd: string, env: Record<string, string>): void {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf-8' });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status}:\n${`${result.stdout}\n${result.stderr}`.slice(-6000)}`);
  }
}

describe('a new app that follows the README quick start', () => {
  test('installs the packed tarball and synthesizes compliant on the first try', () => {
    expectBuiltLibrary();
    const steps = readmeSteps();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-consumer-'));
    try {
      const tarball = path.join(work, pack(work).filename);
      const app = path.join(work, 'shop');
      fs.mkdirSync(app);
      fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'shop', version: '1.0.0', private: true }, null, 2));
      fs.writeFileSync(path.join(app, 'main.ts'), steps.mainTs);

      // The install line names exactly the package and its peers.
      const published = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf-8' }));
      expect(steps.install[0]).toBe('cdk-rampart');
      expect([...steps.install.slice(1)].sort()).toEqual(Object.keys(published.peerDependencies).sort());

      // A clean environment: none of the test setup's variables (e.g. CDK_VALIDATION=false).
      const env: Record<string, string> = { PATH: process.env.PATH!, HOME: process.env.HOME!, CDK_DISABLE_CLI_TELEMETRY: 'true' };
      run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--legacy-peer-deps', tarball], app, env);
      for (const spec of [...steps.install.slice(1), ...steps.devInstall]) linkFromRepository(app, spec);

      // The README's other lines as written; the CLI without its notices lookup (no network here).
      for (const command of steps.commands) run('bash', ['-c', command.startsWith('npx cdk ') ? `${command} --no-notices` : command], app, env);

      const report = JSON.parse(fs.readFileSync(path.join(app, 'cdk.out', 'validation-report.json'), 'utf-8'));
      const plugins = report.pluginReports.map((p: any) => p.pluginName);
      expect(plugins).toEqual(expect.arrayContaining(['AwsSolutions', 'NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321', 'Serverless', 'cdk-validator-cfnguard']));
      const findings = report.pluginReports.flatMap((p: any) => p.violations.map((v: any) => `${p.pluginName} ${v.ruleName}`));
      expect(findings).toEqual([]);
      const template = JSON.parse(fs.readFileSync(path.join(app, 'cdk.out', 'Shop.template.json'), 'utf-8'));
      const types = new Set(Object.values(template.Resources).map((r: any) => r.Type));
      for (const type of ['AWS::CloudFront::Distribution', 'AWS::ApiGateway::RestApi', 'AWS::Lambda::Function']) expect(types).toContain(type);
      // The library ran from the tarball, not from this repository.
      expect(fs.realpathSync(path.join(app, 'node_modules', 'cdk-rampart'))).toBe(path.join(app, 'node_modules', 'cdk-rampart'));
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }, 600_000);
});
