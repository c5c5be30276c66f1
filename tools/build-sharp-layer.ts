/**
 * Lays out the images example's sharp layer for Lambda (arm64), at build time (`npx projen
 * examples:build`), never at synth:
 *
 *   build/examples/images/layers/sharp/nodejs/node_modules/{sharp, @img/sharp-linux-arm64,
 *   @img/sharp-libvips-linux-arm64, and sharp's own dependencies}
 *
 * The versions are the ones installed here (sharp from package.json, its platform packages at the
 * versions sharp pins). The linux-arm64 packages cannot be installed into this machine's
 * node_modules (npm skips optional packages of another platform), so they are installed once with
 * `npm install --os=linux --cpu=arm64 --libc=glibc` into a separate prefix under
 * `.cache/sharp-layer/<versions>/` (the npm registry is needed the first time only; later builds
 * and synth are offline), then copied: only package files, never npm's own bookkeeping, so the
 * layer's files, and the asset hash CDK computes from them, depend on the versions alone.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
/** Keep in step with IMAGES_SYSTEM.layers.sharp.directory (examples/images/system.ts). */
export const LAYER_DIR = path.join(ROOT, 'build', 'examples', 'images', 'layers', 'sharp');

/** The exact packages of the layer: sharp as installed here and the arm64 builds it pins. */
export function layerPackages(): string[] {
  const sharp = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'sharp', 'package.json'), 'utf8')) as {
    version: string;
    optionalDependencies: Record<string, string>;
  };
  const pinned = (name: string) => {
    const version = sharp.optionalDependencies[name];
    if (!version) throw new Error(`sharp ${sharp.version} names no ${name}`);
    return `${name}@${version}`;
  };
  return [`sharp@${sharp.version}`, pinned('@img/sharp-linux-arm64'), pinned('@img/sharp-libvips-linux-arm64')];
}

/** ELF e_machine of AArch64: the layer's native module must be built for it. */
const EM_AARCH64 = 0xb7;

function copyPackages(from: string, to: string): void {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue; // .package-lock.json, .bin
    const source = path.join(from, entry.name);
    if (entry.name.startsWith('@')) {
      copyPackages(source, path.join(to, entry.name));
    } else if (entry.isDirectory()) {
      fs.cpSync(source, path.join(to, entry.name), { recursive: true, dereference: true });
    }
  }
}

export function buildSharpLayer(log: (line: string) => void = console.log): string {
  const packages = layerPackages();
  const cache = path.join(ROOT, '.cache', 'sharp-layer', packages.join('+').replace(/[@/]/g, '_'));
  const installed = path.join(cache, 'node_modules');
  if (!fs.existsSync(path.join(installed, '@img', 'sharp-linux-arm64'))) {
    log(`sharp layer: installing ${packages.join(' ')} for linux-arm64 into ${path.relative(ROOT, cache)} (once per version)`);
    fs.rmSync(cache, { recursive: true, force: true });
    fs.mkdirSync(cache, { recursive: true });
    fs.writeFileSync(path.join(cache, 'package.json'), JSON.stringify({ name: 'sharp-layer', private: true }));
    execFileSync('npm', [
      'install', '--prefix', cache, '--os=linux', '--cpu=arm64', '--libc=glibc',
      // sharp alone: npm picks its optional platform packages for the --os/--cpu/--libc given.
      '--no-save', '--no-package-lock', '--ignore-scripts', '--no-audit', '--no-fund', '--omit=dev', packages[0],
    ], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  for (const spec of packages) {
    const name = spec.slice(0, spec.lastIndexOf('@'));
    const version = JSON.parse(fs.readFileSync(path.join(installed, name, 'package.json'), 'utf8')).version;
    if (`${name}@${version}` !== spec) throw new Error(`sharp layer: ${path.relative(ROOT, cache)} holds ${name}@${version}, not ${spec}; remove it and build again`);
  }
  const libDir = path.join(installed, '@img', 'sharp-linux-arm64', 'lib');
  const binary = path.join(libDir, fs.existsSync(libDir) ? fs.readdirSync(libDir).find((f) => f.endsWith('.node')) ?? 'sharp.node' : 'sharp.node');
  if (!fs.existsSync(binary) || fs.readFileSync(binary).readUInt16LE(18) !== EM_AARCH64) {
    throw new Error(`sharp layer: ${path.relative(ROOT, binary)} is missing or not an AArch64 build; remove ${path.relative(ROOT, cache)} and build again`);
  }
  const target = path.join(LAYER_DIR, 'nodejs', 'node_modules');
  fs.rmSync(LAYER_DIR, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  copyPackages(installed, target);
  const names = fs.readdirSync(target).flatMap((n) => (n.startsWith('@') ? fs.readdirSync(path.join(target, n)).map((m) => `${n}/${m}`) : [n]));
  log(`sharp layer: ${path.relative(ROOT, LAYER_DIR)} (${names.sort().join(', ')})`);
  return LAYER_DIR;
}

if (require.main === module) buildSharpLayer();
