import type { IPolicyValidationPlugin } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Loading of the packs' peer packages, on demand: `require('cdk-rampart')` loads neither cdk-nag nor
 * the cfn-guard validator (36 MB with its binary); `Compliance.enable()` and `Compliance.plugins()`
 * load the ones the chosen packs need, each cdk-nag pack on its own.
 */

/** The cdk-nag module and class of each cdk-nag pack, by plugin name. */
export const NAG_PACK_MODULES: Readonly<Record<string, { readonly module: string; readonly className: string }>> = {
  'AwsSolutions': { module: 'cdk-nag/lib/packs/aws-solutions', className: 'AwsSolutionsChecks' },
  'NIST.800.53.R5': { module: 'cdk-nag/lib/packs/nist-800-53-r5', className: 'NIST80053R5Checks' },
  'HIPAA.Security': { module: 'cdk-nag/lib/packs/hipaa-security', className: 'HIPAASecurityChecks' },
  'PCI.DSS.321': { module: 'cdk-nag/lib/packs/pci-dss-321', className: 'PCIDSS321Checks' },
  'Serverless': { module: 'cdk-nag/lib/packs/serverless', className: 'ServerlessChecks' },
};

/** The package a module id belongs to: `@scope/name` or `name`. */
function packageOf(moduleId: string): string {
  const parts = moduleId.split('/');
  return moduleId.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The version range of `pkg` this library declares as a peer, when its package.json is readable. */
function peerRange(pkg: string): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('../../../package.json') as { peerDependencies?: Record<string, string> }).peerDependencies?.[pkg];
  } catch {
    return undefined;
  }
}

/**
 * `require(moduleId)`, or an error naming the package to install when it is missing.
 *
 * @param moduleId the module, e.g. `cdk-nag/lib/packs/serverless`
 * @param neededFor what needs it, for the message, e.g. `the Serverless pack`
 */
export function loadPeer<T>(moduleId: string, neededFor: string): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(moduleId) as T;
  } catch (e) {
    const pkg = packageOf(moduleId);
    const err = e as NodeJS.ErrnoException;
    if (err.code !== 'MODULE_NOT_FOUND' || !String(err.message).includes(pkg)) throw e;
    const range = peerRange(pkg);
    throw new Error(
      `Compliance: ${neededFor} needs the package '${pkg}', which is not installed. ` +
      `Install it next to cdk-rampart: npm install ${range ? `'${pkg}@${range}'` : pkg}`,
    );
  }
}

/** A new instance of the cdk-nag pack named `pack` (its plugin name), loading only that pack. */
export function nagPack(pack: string, scope: IConstruct, props: { readonly verbose: boolean }): IPolicyValidationPlugin {
  const entry = NAG_PACK_MODULES[pack];
  if (!entry) throw new Error(`Compliance: '${pack}' is not a cdk-nag pack; known: ${Object.keys(NAG_PACK_MODULES).join(', ')}`);
  const mod = loadPeer<Record<string, new (scope: IConstruct, props: { verbose: boolean }) => IPolicyValidationPlugin>>(entry.module, `the ${pack} pack`);
  const PackClass = mod[entry.className];
  if (typeof PackClass !== 'function') {
    throw new Error(`Compliance: cdk-nag no longer exports ${entry.className} from ${entry.module}; check the cdk-nag version against cdk-rampart's peer range`);
  }
  return new PackClass(scope, { verbose: props.verbose });
}
