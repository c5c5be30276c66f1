/**
 * The test files' environment: jest's Node.js environment, plus one CloudFormation schema validator
 * per worker process instead of one per test file.
 *
 * aws-cdk-lib checks templates against the CloudFormation schema with @aws/cloudformation-validate,
 * a WebAssembly engine that parses every resource schema when it is built: about 6 s of CPU. jest
 * gives each test file its own module registry, so every file that synthesizes with the check (each
 * `expectCompliant`) built its own engine and paid those 6 s again. The package is loaded here,
 * outside the files' sandboxes, once per worker, on first use, and test/support/shared-schema-validator.js
 * (which jest's moduleNameMapper puts in place of the package) keeps one engine per configuration
 * for the worker. An engine holds no state between templates: every check still runs, on the same
 * engine aws-cdk-lib ships.
 *
 * Each test file also gets its own temporary folder (TMPDIR), removed when the file ends: every App
 * synthesized without an outdir writes its cloud assembly, asset copies included (the AWS CLI layer
 * alone is 21 MB), to a new cdk.out folder there, which nothing else removes (a whole run left about
 * 2,800 of them, 8 GB, in /tmp).
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { TestEnvironment } = require('jest-environment-node');

const AWS_CDK_LIB = path.dirname(require.resolve('aws-cdk-lib/package.json'));
/** Kept on the worker's global object: jest may load this module afresh for each test file. */
const CACHE = Symbol.for('cdk-rampart.test.sharedSchemaValidator');

/** The package as aws-cdk-lib resolves it, and this realm's JSON (to hand it plain objects of its own realm). */
function sharedValidator() {
  globalThis[CACHE] ??= {
    module: require(require.resolve('@aws/cloudformation-validate', { paths: [AWS_CDK_LIB] })),
    JSON,
    /** The worker's engine and the configuration it was built with (set by the shim). */
    engine: undefined,
    configuration: undefined,
  };
  return globalThis[CACHE];
}

class RampartTestEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.__rampartSharedSchemaValidator = sharedValidator;
  }

  async setup() {
    await super.setup();
    this.savedTemp = { TMPDIR: process.env.TMPDIR, TMP: process.env.TMP, TEMP: process.env.TEMP };
    this.tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-test-'));
    // As /tmp is: a local engine started as another user (PostgreSQL under runuser) makes its folder here.
    fs.chmodSync(this.tempDir, 0o1777);
    // os.tmpdir() reads these on every call, in the worker and in the processes it starts.
    for (const name of Object.keys(this.savedTemp)) process.env[name] = this.tempDir;
  }

  async teardown() {
    for (const [name, value] of Object.entries(this.savedTemp ?? {})) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    if (this.tempDir) fs.rmSync(this.tempDir, { recursive: true, force: true });
    await super.teardown();
  }
}

module.exports = RampartTestEnvironment;
