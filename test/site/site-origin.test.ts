import * as path from 'path';
import { App, Aws, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { SecureSite } from '../../src/site';
import { encryptWithAlias, SiteOrigin } from '../../src/site/private/site-origin';

/**
 * The site's origin (src/site/private/site-origin.ts): the bucket policy and the key policy name
 * the one distribution, and the bucket is encrypted through an alias so that no cycle arises.
 */

const CONTENT = path.join(__dirname, 'fixtures', 'web');

function siteWithContent() {
  const stack = new Stack(new App(), 'Web', { env: { account: '123456789012', region: 'us-east-1' } });
  const site = new SecureSite(stack, 'Site', { contentPath: CONTENT });
  return { stack, site, template: Template.fromStack(stack) };
}

test('SiteOrigin on any bucket and key: both policies name the distribution, the bucket names the alias, no cycle', () => {
  const stack = new Stack(new App(), 'Plain');
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const bucket = new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.KMS, encryptionKey: key });
  const alias = encryptWithAlias(bucket, key);
  const distribution = new cloudfront.Distribution(stack, 'Distribution', { defaultBehavior: { origin: new SiteOrigin(bucket, key) } });
  const template = Template.fromStack(stack);
  const sourceArn = stack.resolve(`arn:${Aws.PARTITION}:cloudfront::${Aws.ACCOUNT_ID}:distribution/${distribution.distributionId}`);
  template.hasResourceProperties('AWS::S3::BucketPolicy', {
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 's3:GetObject', Condition: { StringEquals: { 'AWS:SourceArn': sourceArn } } })]) },
  });
  template.hasResourceProperties('AWS::KMS::Key', {
    KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Action: 'kms:Decrypt', Condition: { StringEquals: { 'AWS:SourceArn': sourceArn } } })]) },
  });
  template.hasResourceProperties('AWS::S3::Bucket', {
    BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: stack.resolve(stack.formatArn({ service: 'kms', resource: alias.aliasName })) } }] },
  });
  template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
});

describe('the content key decrypts for the site\'s own distribution only', () => {
  const cloudFrontKeyStatements = (template: Template, stack: Stack, site: SecureSite) => {
    const key = template.toJSON().Resources[stack.getLogicalId(site.encryptionKey.node.defaultChild as any)];
    return key.Properties.KeyPolicy.Statement.filter((s: any) => JSON.stringify(s.Principal).includes('cloudfront.amazonaws.com'));
  };

  test.each([
    ['with content', () => siteWithContent()],
    ['without content, environment-agnostic', () => {
      const stack = new Stack(new App(), 'Web');
      const site = new SecureSite(stack, 'Site');
      return { stack, site, template: Template.fromStack(stack) };
    }],
  ])('%s: the key policy names the distribution, in a template without a dependency cycle', (_, make) => {
    // Template.fromStack refuses a template with a dependency cycle.
    const { stack, site, template } = make();
    expect(cloudFrontKeyStatements(template, stack, site)).toEqual([{
      Effect: 'Allow',
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { StringEquals: { 'AWS:SourceArn': stack.resolve(`arn:${Aws.PARTITION}:cloudfront::${Aws.ACCOUNT_ID}:distribution/${site.distribution.distributionId}`) } },
    }]);
    expect(JSON.stringify(template.toJSON())).not.toContain('distribution/*');
  });

  test('no wildcard key policy warning from aws-cdk-lib', () => {
    const { stack } = siteWithContent();
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('wildcard is used in the Key policy'));
    expect(warnings).toEqual([]);
  });

  test('the bucket is encrypted through an alias of the key, which the content upload waits for', () => {
    const { stack, site, template } = siteWithContent();
    const alias = site.encryptionKey.node.findChild('Alias') as kms.Alias;
    const aliasId = stack.getLogicalId(alias.node.defaultChild as kms.CfnAlias);
    template.hasResourceProperties('AWS::KMS::Alias', { TargetKeyId: { 'Fn::GetAtt': [stack.getLogicalId(site.encryptionKey.node.defaultChild as any), 'Arn'] } });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: stack.resolve(stack.formatArn({ service: 'kms', resource: alias.aliasName })) } }] },
    });
    const uploads = template.findResources('Custom::CDKBucketDeployment');
    expect(Object.values(uploads).map((u: any) => u.DependsOn)).toEqual([expect.arrayContaining([aliasId])]);
  });

  test('a key policy naming the distribution without the alias would be a cycle (what the alias is for)', () => {
    const stack = new Stack(new App(), 'Web');
    const key = new kms.Key(stack, 'Key');
    const bucket = new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.KMS, encryptionKey: key });
    const distribution = new cloudfront.Distribution(stack, 'Distribution', { defaultBehavior: { origin: origins.S3BucketOrigin.withOriginAccessControl(bucket) } });
    key.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('cloudfront.amazonaws.com')],
      actions: ['kms:Decrypt'],
      resources: ['*'],
      conditions: { StringEquals: { 'AWS:SourceArn': distribution.distributionArn } },
    }));
    expect(() => Template.fromStack(stack)).toThrow(/dependency cycle: Key\w+ -> Distribution\w+ -> Bucket\w+ -> Key/);
  });
});
