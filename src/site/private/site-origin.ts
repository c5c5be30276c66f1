import { Aws, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/**
 * The site's S3 origin with Origin Access Control, where the bucket policy and the key policy both
 * name the one distribution. `S3BucketOrigin.withOriginAccessControl` grants the key to every
 * distribution of the account (`distribution/*`), because the key policy naming the distribution
 * would close the cycle key → distribution → bucket → key; `encryptWithAlias` takes the bucket's
 * edge out of it, so this origin can name the distribution.
 */
export class SiteOrigin extends origins.S3BucketOrigin {
  constructor(private readonly contentBucket: s3.IBucket, private readonly key: kms.IKey) {
    super(contentBucket);
  }

  public bind(scope: Construct, options: cloudfront.OriginBindOptions): cloudfront.OriginBindConfig {
    // Same id as aws-cdk-lib's, so the OAC keeps its logical id.
    const oac = new cloudfront.S3OriginAccessControl(scope, 'S3OriginAccessControl');
    const principals = [new iam.ServicePrincipal('cloudfront.amazonaws.com')];
    const conditions = { StringEquals: { 'AWS:SourceArn': `arn:${Aws.PARTITION}:cloudfront::${Aws.ACCOUNT_ID}:distribution/${options.distributionId}` } };
    this.contentBucket.addToResourcePolicy(new iam.PolicyStatement({
      principals, actions: ['s3:GetObject'], resources: [this.contentBucket.arnForObjects('*')], conditions,
    }));
    this.key.addToResourcePolicy(new iam.PolicyStatement({ principals, actions: ['kms:Decrypt'], resources: ['*'], conditions }));
    const config = this._bind(scope, options);
    return { ...config, originProperty: { ...config.originProperty!, originAccessControlId: oac.originAccessControlId } };
  }
}

/**
 * Point the bucket's default encryption at an alias of `key` (its ARN, built from the stack's name
 * and pseudo parameters) instead of at the key itself, so the bucket no longer depends on the key
 * and the key policy may reference the distribution in front of the bucket. S3 resolves the alias
 * when an object is written; every object records the key's own ARN, which reads use. Whatever
 * writes to the bucket must depend on the returned alias.
 */
export function encryptWithAlias(bucket: s3.Bucket, key: kms.Key): kms.Alias {
  const name = `alias/${Aws.STACK_NAME}/${Names.uniqueResourceName(key, { maxLength: 100 })}`;
  const alias = new kms.Alias(key, 'Alias', { aliasName: name, targetKey: key, removalPolicy: RemovalPolicy.DESTROY });
  const aliasArn = Stack.of(bucket).formatArn({ service: 'kms', resource: name });
  (bucket.node.defaultChild as s3.CfnBucket).addPropertyOverride(
    'BucketEncryption.ServerSideEncryptionConfiguration.0.ServerSideEncryptionByDefault.KMSMasterKeyID', aliasArn);
  return alias;
}
