/**
 * What `require('@aws/cloudformation-validate')` returns inside a test file (jest moduleNameMapper):
 * the worker's one instance of the package and one engine per configuration (see
 * test-environment.js), or the package itself when the file runs in another environment.
 *
 * aws-cdk-lib builds an engine for the first template it checks and again whenever a template holds
 * a resource type the last one was not built for, with a configuration that differs only in the
 * built-in rule files that apply (one, for GameLift). An engine built while another is alive parses
 * every schema again (about 6 s of CPU); here the worker's engine is reused while the configuration
 * is the same, and freed before one for another configuration is built. `free()` leaves it to the
 * next file.
 *
 * The shared instance lives in the worker's own realm, where the package checks that its inputs
 * are plain objects of that realm: the engine and validation settings aws-cdk-lib passes in are
 * copied into it (they are plain JSON data). Templates are read by the package's own
 * TemplateContent, and the reports it returns are plain data the test's realm reads as it is.
 */
const path = require('path');

const shared = globalThis.__rampartSharedSchemaValidator?.();
if (!shared) {
  const awsCdkLib = path.dirname(require.resolve('aws-cdk-lib/package.json'));
  module.exports = require(require.resolve('@aws/cloudformation-validate', { paths: [awsCdkLib] }));
} else {
  const validate = shared.module;
  const own = (value) => shared.JSON.parse(JSON.stringify(value ?? {}));

  /** The worker's engine for this configuration, built if it has none for it. */
  function engineFor(configuration) {
    if (shared.configuration !== configuration) {
      shared.engine?.free();
      shared.engine = undefined;
      shared.engine = new validate.CompositeEngine(shared.JSON.parse(configuration));
      shared.configuration = configuration;
    }
    return shared.engine;
  }

  class CompositeEngine {
    constructor(config) {
      this.configuration = JSON.stringify(config ?? {});
      engineFor(this.configuration);
    }
    validateTemplate(template, config) {
      return engineFor(this.configuration).validateTemplate(template, own(config));
    }
    validateStandard(template, config) {
      return this.validateTemplate(template, { ...config, detailLevel: 'STANDARD' });
    }
    validateDetailed(template, config) {
      return this.validateTemplate(template, { ...config, detailLevel: 'DETAILED' });
    }
    listRules() {
      return engineFor(this.configuration).listRules();
    }
    engineName() {
      return engineFor(this.configuration).engineName();
    }
    free() {
      // The worker's engine outlives the file that asked for it.
    }
  }

  module.exports = { ...validate, CompositeEngine };
}
