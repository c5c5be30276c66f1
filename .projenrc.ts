import { awscdk, javascript, JsonFile } from 'projen';

// Versions verified to resolve together on the npm registry (see README "Toolchain pins").
const CDK_VERSION = '2.276.0';
const CDK_CLI_VERSION = '2.1148.1'; // 3.x cannot read aws-cdk-lib 2.276's cloud assembly schema
const CDK_NAG_VERSION = '3.0.2';
const CFN_GUARD_VALIDATOR_VERSION = '0.0.62';
const MONITORING_VERSION = '10.2.0';
const POWERTOOLS_VERSION = '2.35.0'; // 2.36.0's family does not resolve (jmespath missing)
/** The runtime kit of the example handlers, a workspace package published as @cdk-rampart/lambda-kit. */
const KIT_DIR = 'packages/lambda-kit';

const powertools = ['logger', 'tracer', 'metrics', 'idempotency', 'parser', 'parameters', 'batch', 'commons']
  .map((p) => `@aws-lambda-powertools/${p}@${POWERTOOLS_VERSION}`);

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-rampart',
  description: 'Secure-by-default, scale-ready AWS CDK building blocks: secure sites with cross-region WAF, traced Lambda APIs, Redis, DR replication, delivery pipelines and a compliance harness.',
  author: 'cdk-rampart maintainers',
  authorAddress: 'maintainers@cdk-rampart.dev',
  repositoryUrl: 'https://github.com/cdk-rampart/cdk-rampart.git',
  keywords: ['cdk', 'aws-cdk', 'awscdk', 'cdk-nag', 'compliance', 'waf', 'cloudfront', 'secure-by-default'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  jsiiVersion: '~6.0.0',
  cdkVersion: CDK_VERSION,
  constructsVersion: '10.5.1',
  // Node.js 22 or later to develop, build and release (Node.js 20 is end of life for jsii and,
  // after January 2027, for the AWS SDK); the workflows run 24, the Lambda runtime's version.
  minNodeVersion: '22.0.0',
  workflowNodeVersion: '24.x',
  // Handler sources are bundled into assets/ by esbuild; compiled into lib/ they would be dead code
  // requiring packages the library does not depend on (e.g. @aws-sdk/client-wafv2).
  excludeTypescript: ['src/**/*.lambda.ts'],
  tsconfig: {
    // No inline source maps in lib/: they doubled its size and point at src/, which is not published.
    compilerOptions: { inlineSourceMap: false, inlineSources: false },
  },
  // CDK constructs that are part of our public API must be peers so users share one copy.
  peerDeps: [
    `cdk-nag@^${CDK_NAG_VERSION}`,
    `@cdklabs/cdk-validator-cfnguard@^${CFN_GUARD_VALIDATOR_VERSION}`,
    // ServiceMonitoring exposes its MonitoringFacade (alarms and dashboards).
    `cdk-monitoring-constructs@^${MONITORING_VERSION}`,
  ],
  devDeps: [
    `aws-cdk@${CDK_CLI_VERSION}`,
    `cdk-nag@${CDK_NAG_VERSION}`,
    `@cdklabs/cdk-validator-cfnguard@${CFN_GUARD_VALIDATOR_VERSION}`,
    ...powertools,
    'zod@^4',
    'esbuild@^0.28',
    '@swc/core',
    '@swc/jest',
    'jest-environment-node@^30.5.2',
    '@types/aws-lambda',
    '@aws-sdk/client-dynamodb',
    '@aws-sdk/lib-dynamodb',
    '@aws-sdk/util-dynamodb',
    '@aws-sdk/client-wafv2',
    // The edge WebACL handler creates its WAF log group in us-east-1 (bundled into the handler at build time).
    '@aws-sdk/client-cloudwatch-logs@~3.1141.0',
    '@aws-sdk/client-cognito-identity-provider',
    '@aws-sdk/client-cloudformation',
    '@aws-sdk/client-secrets-manager',
    '@aws-sdk/client-ssm',
    '@aws-sdk/client-sqs',
    '@aws-sdk/client-kinesis',
    '@aws-sdk/client-s3',
    // Presigned S3 PUT URLs for merchants' catalog uploads (rewards example).
    '@aws-sdk/s3-request-presigner',
    // Presigned S3 POSTs (content-type allow list and size cap in the signed policy): the images example's uploads.
    '@aws-sdk/s3-presigned-post',
    // The images example's compositor; its linux-arm64 build ships to Lambda as a layer built by examples:build.
    'sharp@0.35.5',
    '@aws-sdk/rds-signer',
    // Reads DynamoDB Local's table streams in the rewards latency benchmark (as Lambda's event source mapping does deployed).
    '@aws-sdk/client-dynamodb-streams',
    // The rewards example's tracker adapter (positions → Location Service); the Lambda runtime ships it, tests mock it.
    '@aws-sdk/client-location',
    '@smithy/node-http-handler',
    'aws-sdk-client-mock',
    'aws-sdk-client-mock-jest',
    'ioredis',
    'pg',
    '@types/pg',
    `cdk-monitoring-constructs@${MONITORING_VERSION}`,
    // The SARIF 2.1.0 JSON schema (as published in SchemaStore) the compliance report's SARIF file is validated against in tests.
    '@microsoft/jest-sarif@1.0.0-beta.0',
    // Schema migrations (RelationalDatabase), bundled into the migration custom resource at build time.
    'node-pg-migrate@9.0.0',
    // Evaluated against the handler kit's own router (bundle size, cold start).
    `@aws-lambda-powertools/event-handler@${POWERTOOLS_VERSION}`,
    'playwright-core',
    'axe-core',
    'fast-check',
    'jose',
    // Bundled into the TracedApi group authorizer (assets/api/group-authorizer.lambda) at build time.
    'aws-jwt-verify@^5',
    'qrcode',
    '@types/qrcode',
    'cdk-dia@0.12.3',
    // Example web apps (bundled by esbuild at build time)
    'oidc-client-ts@^3',
    '@zxing/browser@^0.2',
    '@zxing/library@^0.23',
    'chart.js@^4',
    // Local engines for handler tests and the local runner
    'kinesalite@3.3.3',
    's3rver@3.7.1',
    // Benchmarks: load generation and the peer comparison
    'autocannon@^9',
    // aws-lambda-dynamodb is not published for 2.104.0 (its newest needs core 2.101.0): the bench
    // builds that part with core's buildDynamoDBTable, which that pattern wraps.
    ...['core', 'resources', 'aws-cloudfront-s3', 'aws-wafwebacl-cloudfront', 'aws-apigateway-lambda']
      .map((p) => `@aws-solutions-constructs/${p}@2.104.0`),
  ],

  // Library handlers (src/**/*.lambda.ts) are bundled by esbuild at build time into assets/.
  lambdaAutoDiscover: true,
  lambdaOptions: {
    // The latest Node.js runtime: cdk-nag AwsSolutions-L1 and Serverless-LambdaLatestVersion require it.
    runtime: awscdk.LambdaRuntime.NODEJS_24_X,
    // pg loads its optional native binding (pg-native) only when asked for; it is not installed.
    bundlingOptions: { externals: ['@aws-sdk/*', 'pg-native'] },
  },

  // Construct Hub-style publishing targets. Their packaging runs in the release workflow only:
  // PyPI, Maven Central, NuGet and the Go toolchain are not reachable from our build machines.
  publishToPypi: { distName: 'cdk-rampart', module: 'cdk_rampart' },
  publishToMaven: {
    javaPackage: 'dev.cdkrampart',
    mavenGroupId: 'dev.cdk-rampart',
    mavenArtifactId: 'cdk-rampart',
  },
  publishToNuget: { dotNetNamespace: 'CdkRampart', packageId: 'CdkRampart' },
  publishToGo: { moduleName: 'github.com/cdk-rampart/cdk-rampart-go' },

  gitignore: ['/cdk.out/', '/build/', '/test-output/', '.cache/', '/bench/out/'],
  jestOptions: {
    // Snapshots are written only by `npx projen test:update`; the test command never rewrites them.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'tools', 'bench', 'packages'],
    ignorePatterns: ['examples/**/web/dist/**', 'examples/**/cdk.out/**', 'packages/*/lib/**'],
  },
});

for (const p of ['/examples/', '/bench/', '/tools/', '/test-output/', '/build/', '/.ci/', '/docs/', '/cdk.out/', '/tsconfig.dev.json', '/rosetta/']) {
  project.addPackageIgnore(p);
}

// The published package is an allow-list: lib/ (JavaScript and declarations), the prebuilt
// handler assets, the jsii assembly and its translated samples (npm adds package.json, README.md
// and LICENSE). API.md stays in the repository only: Construct Hub renders the API reference from
// the .jsii assembly, and its 600 KB would take a third of the package's size budget. Whatever
// else a working copy holds (cdk.out/, examples, dev configs) stays out;
// test/package/package-content.test.ts checks the tarball.
const packageJson = project.tryFindObjectFile('package.json')!;
packageJson.addOverride('files', ['lib/**/*.js', 'lib/**/*.d.ts', '!lib/**/*.lambda.*', 'assets/**', '.jsii', '.jsii.gz', '.jsii.tabl.json.gz']);

// Every task runs on Node.js 22+: on a machine whose Node.js is older, tools/setup.sh installs
// Node.js 24 under .cache/node and tools/dev-path.sh puts it first on the tasks' PATH.
project.tasks.addEnvironment('PATH', '$(bash tools/dev-path.sh)');

// Jest: transpile-only with SWC (type checking happens once, in the `typecheck` task), our setup
// files, local engines started once per run, and a closing `N passed, N failed` line for CI.
// The library's tsconfig leaves the handlers out (see excludeTypescript): eslint lints them with
// its default project.
project.tryFindObjectFile('.eslintrc.json')!.addOverride('parserOptions.projectService.allowDefaultProject', ['.projenrc.ts', 'src/*/*.lambda.ts']);
project.jest!.config.transform = { '^.+\\.[tj]sx?$': new javascript.Transform('@swc/jest') };
// jose 6 ships ES modules only, which jest's CommonJS runtime cannot load: SWC transforms it too.
packageJson.addOverride('jest.transformIgnorePatterns', ['/node_modules/(?!jose/)']);
packageJson.addOverride('jest.testMatch', ['<rootDir>/test/**/*.test.ts', '<rootDir>/examples/**/*.test.ts', '<rootDir>/packages/*/test/**/*.test.ts']);
packageJson.addOverride('jest.setupFilesAfterEnv', ['<rootDir>/test/support/setup.ts']);
packageJson.addOverride('jest.globalSetup', '<rootDir>/test/support/global-setup.ts');
packageJson.addOverride('jest.globalTeardown', '<rootDir>/test/support/global-teardown.ts');
packageJson.addOverride('jest.testTimeout', 120_000);
// One CloudFormation schema validator per worker instead of one per test file (its first use parses
// every resource schema, ~6 s of CPU): see test/support/test-environment.js.
packageJson.addOverride('jest.testEnvironment', '<rootDir>/test/support/test-environment.js');
packageJson.addOverride('jest.moduleNameMapper', { '^@aws/cloudformation-validate$': '<rootDir>/test/support/shared-schema-validator.js' });
// jest defaults to one worker fewer than the cores: on our 2-core machines that is one. The suite
// is CPU-bound synths and local engines, so both cores halve it (7.3 -> 3.2 min measured).
packageJson.addOverride('jest.maxWorkers', '100%');
packageJson.addOverride('jest.coverageReporters', ['text-summary', 'lcov']);
packageJson.addOverride('jest.collectCoverageFrom', ['src/**/*.ts', 'examples/**/*.ts', 'packages/*/src/**/*.ts', '!**/*.test.ts', '!src/**/*-function.ts']);
packageJson.addOverride('jest.reporters', [
  'default',
  // addFileAttribute: the benchmarks attribute per-file times to the files that synthesize.
  ['jest-junit', { outputDirectory: 'test-reports', addFileAttribute: 'true' }],
  '<rootDir>/test/support/summary-reporter.js',
]);

// jsii: no silenced warnings (props named after reserved words are renamed instead: `type` trips
// Go), and warnings fail the compile. The assembly is published gzipped (.jsii.gz behind a small
// .jsii redirect that every jsii tool follows): plain, it was the package's largest file. lib/ is rebuilt from scratch, so nothing stale is published.
project.compileTask.reset('rm -rf lib');
project.compileTask.exec('jsii --fail-on-warnings --compress-assembly');
project.tasks.tryFind('watch')!.reset('jsii -w');
project.gitignore.exclude('.jsii.gz', '.jsii.tabl.json', '.jsii.tabl.json.gz');

// Every jsii language reads its own language: jsii-rosetta translates each README and API.md sample
// (fixtures in rosetta/) into Python, Java, C# and Go, failing on a sample that does not compile;
// jsii-pacmak then generates each language's sources with those translations, failing on errors.
// The tablet is published gzipped (.jsii.tabl.json.gz, read by every jsii tool) like the assembly.
// Part of `build` (post-compile); packaging those languages stays in the release workflow.
const rosetta = project.addTask('rosetta:extract', {
  description: 'Translate every README and API sample to Python, Java, C# and Go (jsii-rosetta); fails on a sample that does not compile',
  exec: 'jsii-rosetta extract --strict --compress-tablet',
});
const bindings = project.addTask('bindings', {
  description: 'Generate the Python, Java, C# and Go sources into dist/code/ (jsii-pacmak --code-only); fails on errors or an untranslated sample',
  exec: 'jsii-pacmak --code-only --target python --target java --target dotnet --target go --outdir dist/code --rosetta-unknown-snippets fail',
});
// Packages the samples import besides the library's own dependencies (the README's Kinesis producer).
packageJson.addOverride('jsiiRosetta.exampleDependencies', { '@aws-sdk/client-kinesis': '^3.1143.0', '@types/node': '^22' });
project.postCompileTask.spawn(rosetta);
project.postCompileTask.spawn(bindings);

// projen's default `package` task packages every jsii language outside CI. Only JavaScript can be
// packaged here; the other languages are packaged by the release workflow (see README "Release").
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package:js')!);
project.tasks.tryFind('package:js')!.exec(`npm pack --workspace ${KIT_DIR} --pack-destination dist/js`);

// The runtime kit of the example handlers (HTTP handler, errors, AWS clients, idempotency, config,
// Redis, test helpers), published from packages/lambda-kit as @cdk-rampart/lambda-kit with the
// library's version. An npm workspace: `npm install` links it into node_modules, where the examples,
// tests, benchmarks and tools import it by name, so it is built (tsc to lib/ with declarations)
// before anything that runs them.
const AWS_SDK_RANGE = '^3.1162.0';
project.package.addField('workspaces', [KIT_DIR]);
new JsonFile(project, `${KIT_DIR}/package.json`, {
  // The release bump writes the library's version into it (and unbump puts 0.0.0 back).
  readonly: false,
  obj: {
    name: '@cdk-rampart/lambda-kit',
    version: '0.0.0',
    description: 'Runtime kit for Lambda handlers behind cdk-rampart constructs: API Gateway handlers with zod validation, required Cognito groups, idempotency, bounded AWS SDK clients, typed HTTP errors, configuration, a Redis client for RedisCache, test helpers, and contract tests of handler responses against an OpenAPI document.',
    license: 'Apache-2.0',
    author: { name: 'cdk-rampart maintainers', email: 'maintainers@cdk-rampart.dev', organization: false },
    repository: { type: 'git', url: 'https://github.com/cdk-rampart/cdk-rampart.git', directory: KIT_DIR },
    keywords: ['aws-lambda', 'api-gateway', 'powertools', 'zod', 'cdk-rampart'],
    engines: { node: '>= 22.0.0' },
    main: 'lib/index.js',
    types: 'lib/index.d.ts',
    // `require` loads the CommonJS build (tsc), bundlers take the ES modules (tools/build-kit.ts).
    exports: Object.fromEntries([
      ['.', 'index'],
      ['./idempotency', 'idempotency'],
      ['./redis', 'redis/index'],
      ['./testing', 'testing/index'],
      ['./contract', 'contract/index'],
    ].map(([subpath, file]) => [subpath, { types: `./lib/${file}.d.ts`, import: `./lib/esm/${file}.mjs`, require: `./lib/${file}.js` }])
      .concat([['./package.json', './package.json']])),
    files: ['lib/**/*.js', 'lib/**/*.mjs', 'lib/**/*.d.ts'],
    dependencies: {
      ...Object.fromEntries(['logger', 'tracer', 'metrics', 'idempotency', 'parameters']
        .map((p) => [`@aws-lambda-powertools/${p}`, POWERTOOLS_VERSION])),
      '@types/aws-lambda': '^8.10.164',
      // The /contract subpath (tests only, never in a handler's bundle): Ajv validates what a
      // handler answers against the OpenAPI contract's JSON schemas (Ajv for OpenAPI 3.0's
      // draft-07-like schemas, Ajv2020 for 3.1), ajv-formats checks their formats (date-time,
      // email, uuid...), yaml reads a contract written in YAML.
      'ajv': '^8.20.0',
      'ajv-formats': '^3.0.1',
      'yaml': '^2.9.1',
    },
    // The Lambda Node.js runtime ships AWS SDK v3 (bundles leave it out); the handlers' schemas
    // come from the application's zod; ioredis is needed by the /redis subpath only.
    peerDependencies: {
      '@aws-sdk/client-dynamodb': AWS_SDK_RANGE,
      '@aws-sdk/lib-dynamodb': AWS_SDK_RANGE,
      '@aws-sdk/client-secrets-manager': AWS_SDK_RANGE,
      '@aws-sdk/client-ssm': AWS_SDK_RANGE,
      'ioredis': '^6.0.0',
      'zod': '^4',
    },
    peerDependenciesMeta: { ioredis: { optional: true } },
    publishConfig: { access: 'public' },
  },
});
project.gitignore.exclude(`/${KIT_DIR}/lib/`);
const kitBuild = project.addTask('kit:build', {
  description: 'Build the runtime kit (packages/lambda-kit) to its lib/: CommonJS with declarations (tsc) and ES modules (lib/esm)',
  steps: [{ exec: `rm -rf ${KIT_DIR}/lib` }, { exec: `tsc -p ${KIT_DIR}/tsconfig.json` }, { exec: 'ts-node --swc tools/build-kit.ts' }],
});
// The kit is released with the library: the same version, its tarball next to the library's in dist/js.
const setKitVersion = `npm pkg set version="$(node -p "require('./package.json').version")" --workspace ${KIT_DIR}`;
project.tasks.tryFind('bump')!.exec(setKitVersion);
project.tasks.tryFind('unbump')!.exec(`npm pkg set version=0.0.0 --workspace ${KIT_DIR}`);

// Imports of the kit by its name are first-party: ordered with the packages, and not looked up in
// package.json (npm links the workspace); a kit file's own imports are checked against both
// package.json files (the kit's package-content test checks its dependencies).
const eslintrc = project.tryFindObjectFile('.eslintrc.json')!;
eslintrc.addOverride('settings.import/internal-regex', '^@cdk-rampart/');
const [orderLevel, orderOptions] = project.eslint!.rules['import/order'];
project.eslint!.addRules({ 'import/order': [orderLevel, { ...orderOptions, pathGroups: [{ pattern: '@cdk-rampart/**', group: 'external' }] }] });
const [extraneousLevel, extraneousOptions] = project.eslint!.rules['import/no-extraneous-dependencies'];
project.eslint!.addRules({ 'import/no-extraneous-dependencies': [extraneousLevel, { ...extraneousOptions, packageDir: ['.', KIT_DIR] }] });

// One tsconfig for everything that is not the published library: tests, examples, tools, benchmarks.
new JsonFile(project, 'tsconfig.dev.json', {
  obj: {
    extends: './tsconfig.json',
    compilerOptions: { noEmit: true, rootDir: '.', isolatedModules: true, lib: ['es2022', 'dom'], types: ['jest', 'node'] },
    include: ['src/**/*.ts', 'test/**/*.ts', 'examples/**/*.ts', 'tools/**/*.ts', 'bench/**/*.ts', `${KIT_DIR}/src/**/*.ts`, `${KIT_DIR}/test/**/*.ts`],
    exclude: ['node_modules', 'examples/**/cdk.out', 'build', `${KIT_DIR}/lib`],
  },
});

// Type-check tests, examples and tools once (jest itself transpiles without type checking).
const typecheck = project.addTask('typecheck', {
  description: 'Type-check src, test, examples, tools, bench and the runtime kit',
});
// The examples, tests and tools read the kit's declarations (lib/*.d.ts) through its package name.
typecheck.spawn(kitBuild);
typecheck.exec('tsc --noEmit -p tsconfig.dev.json');

// Example handlers and web pages are bundled by esbuild at build time, never at synth.
const examplesBuild = project.addTask('examples:build', {
  description: 'Bundle example Lambda handlers and web pages with esbuild',
});
examplesBuild.spawn(kitBuild);
examplesBuild.exec('ts-node --swc tools/build-examples.ts');
// The images example's sharp layer (linux-arm64), installed once per version into .cache/ (needs the npm registry then).
examplesBuild.exec('ts-node --swc tools/build-sharp-layer.ts');

// Main job: synthesize every example with the compliance packs and write the reviewer report.
const synthExamples = project.addTask('synth:examples', {
  description: 'Synthesize every app under examples/ into cdk.out/<example>/ and write the compliance report',
});
synthExamples.spawn(project.bundler.bundleTask);
synthExamples.spawn(examplesBuild);
synthExamples.exec('ts-node --swc tools/synth-examples.ts', { receiveArgs: true });

// Benchmarks print figures and write bench/RESULTS.md; never part of the test command.
project.addTask('bench', {
  description: 'Run the benchmarks (synth, tests, handlers, launch day, rewards latency) and write bench/RESULTS.md; flags: --only, --runs, --warmup',
}).spawn(kitBuild);
project.tasks.tryFind('bench')!.exec('ts-node --swc bench/run.ts', { receiveArgs: true });

// Long fault and fuzz runs are commands of their own; the test suite keeps small seeded samples.
project.addTask('fuzz', {
  description: 'Fuzz the examples\' routes with 10,000 seeded random requests each: every POST of pass, counter and rewards, every route of images (flags: --runs, --seed, --only pass|counter|rewards|images)',
}).spawn(kitBuild);
project.tasks.tryFind('fuzz')!.exec('ts-node --swc tools/fuzz.ts', { receiveArgs: true });
project.addTask('faults', {
  description: 'The long fault-injection run of the pass applications: 400 applications, 8 in flight (override with FAULT_APPLICATIONS, FAULT_CONCURRENCY, FAULT_SEED)',
  env: { RAMPART_ENGINES: 'dynamodb-local', FAULT_LONG: '1' },
}).spawn(kitBuild);
project.tasks.tryFind('faults')!.exec('jest --coverage=false test/examples/pass-faults.test.ts');

// The test command: everything the suite needs is built first. The package tests
// (test/package/) read what npm would publish, so lib/ and .jsii are compiled too (about 15 s on a
// quiet machine, next to a suite of about four minutes; jest itself runs the TypeScript sources).
project.testTask.prependSpawn(project.compileTask);
project.testTask.prependSpawn(examplesBuild);
project.testTask.prependSpawn(project.bundler.bundleTask);
project.testTask.spawn(typecheck);

// The schema-migration handler carries node-pg-migrate, minified and without jiti (its loader of
// script migrations; DatabaseMigrations runs .sql files only): the package stays within its size budget.
project.tasks.tryFind('bundle:data/database-migrations.lambda')!.reset("esbuild --bundle src/data/database-migrations.lambda.ts --target=node24 --platform=node --outfile=assets/data/database-migrations.lambda/index.js --tsconfig=test/tsconfig.json '--external:@aws-sdk/*' --external:pg-native --alias:jiti=./src/data/private/sql-only-loader.ts --minify");

project.synth();
