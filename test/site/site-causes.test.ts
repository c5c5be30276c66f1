import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SecureSite } from '../../src/site';

const CONTENT = path.join(__dirname, 'fixtures', 'web');

function siteWithContent() {
  const stack = new Stack(new App(), 'Web', { env: { account: '123456789012', region: 'us-east-1' } });
  const site = new SecureSite(stack, 'Site', { contentPath: CONTENT });
  return { stack, site, template: Template.fromStack(stack) };
}

/** Every Allow statement of the IAM policies in the template, inline and customer managed. */
function statements(template: Template): Array<{ Action: string | string[]; Resource: unknown }> {
  return ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']
    .flatMap((type) => Object.values(template.findResources(type)))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement)
    .filter((s: any) => s.Effect === 'Allow');
}

describe('the content deployment invalidates only its own distribution', () => {
  test('CreateInvalidation and GetInvalidation are granted on the site\'s distribution ARN, never on *', () => {
    const { stack, site, template } = siteWithContent();
    const cloudfrontStatements = statements(template).filter((s) => [s.Action].flat().some((a) => a.startsWith('cloudfront:')));
    expect(cloudfrontStatements).toEqual([
      { Effect: 'Allow', Action: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'], Resource: stack.resolve(site.distribution.distributionArn) },
    ]);
    const onStar = statements(template).filter((s) => [s.Resource].flat().includes('*'));
    expect(onStar.flatMap((s) => [s.Action].flat()).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  });
});
