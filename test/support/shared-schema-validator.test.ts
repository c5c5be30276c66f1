/**
 * The schema validator test files get (test/support/test-environment.js): one engine per worker,
 * which still reports what the package reports.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const validate = require('@aws/cloudformation-validate');

const shared = (globalThis as any).__rampartSharedSchemaValidator?.();

describe('the shared CloudFormation schema validator', () => {
  test('is what aws-cdk-lib loads in a test file', () => {
    expect(shared).toBeDefined();
    expect(validate.TemplateContent).toBe(shared.module.TemplateContent);
  });

  test('builds one engine per configuration for the worker, and keeps it past free()', () => {
    const first = new validate.CompositeEngine({});
    const engine = shared.engine;
    first.free();
    new validate.CompositeEngine({});
    expect(shared.engine).toBe(engine);
  });

  test('reports a schema error of a template, as the package does', () => {
    const template = new validate.TemplateContent(JSON.stringify({
      Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 'not a number', Unknown: true } } },
    }), 'bad.json');
    const report = new validate.CompositeEngine({}).validateTemplate(template, { detailLevel: 'STANDARD', severityLevel: 'WARN' });
    const messages = (report.diagnostics as Array<{ message: string }>).map((d) => d.message);
    expect(messages.join('\n')).toMatch(/Unknown/);
  });
});
