import { Token } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as pipelines from 'aws-cdk-lib/pipelines';

/** Options for `DeliverySource.connection()`. */
export interface DeliveryConnectionSourceOptions {
  /**
   * The ARN of a CodeConnections (or CodeStar Connections) connection to GitHub, GitLab or Bitbucket,
   * e.g. `arn:aws:codeconnections:eu-west-1:111111111111:connection/0a1b2c3d-...`.
   * The connection must be in the pipeline's account and be approved in the console once.
   */
  readonly connectionArn: string;

  /** The repository as `owner/name`. */
  readonly repository: string;
}

/** Options for `DeliverySource.s3()`. */
export interface DeliveryS3SourceOptions {
  /**
   * A versioned bucket that receives a zip of the repository per branch. A bucket of this app
   * without versioning is refused at synth; an imported bucket's versioning cannot be read at
   * synth, so it is taken as versioned (the source action fails at run time when it is not).
   */
  readonly bucket: s3.IBucket;

  /**
   * Prefix of the object keys: the source of branch `dev` is `<keyPrefix>dev.zip`.
   *
   * @default - no prefix: `dev.zip`, `uat.zip`, `main.zip`
   */
  readonly keyPrefix?: string;
}

const CONNECTION_ARN = /^arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z0-9-]+:\d{12}:connection\/[A-Za-z0-9-]+$/;
const REPOSITORY = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+$/;

/**
 * Where a `DeliveryPipeline` takes its source: a Git repository through CodeConnections
 * (GitHub, GitLab, Bitbucket), or a zip per branch in S3 as a fallback.
 *
 * Extend it for any other source CDK Pipelines offers (e.g. `CodePipelineSource.ecr()` or an
 * S3 layout of your own): implement `forBranch` and, when the source has options, `validate`.
 */
export abstract class DeliverySource {
  /** A GitHub, GitLab or Bitbucket repository reached through a CodeConnections connection. */
  public static connection(options: DeliveryConnectionSourceOptions): DeliverySource {
    return new ConnectionSource(options);
  }

  /** A zip of each branch in a versioned S3 bucket, polled by the pipeline. */
  public static s3(options: DeliveryS3SourceOptions): DeliverySource {
    return new S3Source(options);
  }

  /** A short description for error messages, e.g. `connection owner/name`. */
  public abstract readonly description: string;

  /**
   * The ARN of the bucket the source reads, for a source in S3. The pipeline's acknowledgement
   * of the wildcard object permissions CDK Pipelines grants on it names this bucket.
   *
   * @default - not an S3 source
   */
  public abstract readonly bucketArn?: string;

  /**
   * The problems with this source's options, each naming its option and what is allowed
   * (e.g. `source.repository: 'x' is not a repository; allowed: 'owner/name'`). The pipeline
   * refuses to synthesize while there is one. Skip values that are unresolved tokens.
   *
   * @returns an empty list when the options are valid
   */
  public abstract validate(): string[];

  /**
   * The CDK Pipelines source of one branch; called once per environment of the pipeline.
   *
   * @param branch the branch the environment delivers, e.g. `main`
   */
  public abstract forBranch(branch: string): pipelines.CodePipelineSource;
}

class ConnectionSource extends DeliverySource {
  public readonly description: string;
  public readonly bucketArn?: string = undefined;

  constructor(private readonly options: DeliveryConnectionSourceOptions) {
    super();
    this.description = `connection ${options.repository}`;
  }

  public validate(): string[] {
    const problems: string[] = [];
    const { connectionArn, repository } = this.options;
    if (!Token.isUnresolved(connectionArn) && !CONNECTION_ARN.test(connectionArn ?? '')) {
      problems.push(`source.connectionArn: '${connectionArn}' is not a connection ARN; allowed: arn:aws:codeconnections:<region>:<account>:connection/<id> (or codestar-connections)`);
    }
    if (!Token.isUnresolved(repository) && !REPOSITORY.test(repository ?? '')) {
      problems.push(`source.repository: '${repository}' is not a repository; allowed: 'owner/name'`);
    }
    return problems;
  }

  public forBranch(branch: string): pipelines.CodePipelineSource {
    return pipelines.CodePipelineSource.connection(this.options.repository, branch, {
      connectionArn: this.options.connectionArn,
      triggerOnPush: true,
    });
  }
}

class S3Source extends DeliverySource {
  public readonly description: string;
  public readonly bucketArn?: string;

  constructor(private readonly options: DeliveryS3SourceOptions) {
    super();
    this.description = 's3';
    this.bucketArn = options.bucket.bucketArn;
  }

  public validate(): string[] {
    const problems: string[] = [];
    const prefix = this.options.keyPrefix;
    if (prefix !== undefined && !Token.isUnresolved(prefix) && (prefix.startsWith('/') || /\s/.test(prefix))) {
      problems.push(`source.keyPrefix: '${prefix}' must not start with '/' nor contain spaces; allowed: e.g. 'sources/'`);
    }
    // A bucket of this app shows its versioning; an imported one cannot, and is taken as versioned.
    const bucket = this.options.bucket;
    if (bucket instanceof s3.Bucket) {
      const cfn = bucket.node.defaultChild as s3.CfnBucket;
      const versioning = cfn.versioningConfiguration as s3.CfnBucket.VersioningConfigurationProperty | undefined;
      if (versioning?.status !== 'Enabled') {
        problems.push(`source.bucket: '${bucket.node.path}' is not versioned; allowed: a bucket with versioned: true (the pipeline's S3 source reads object versions)`);
      }
    }
    return problems;
  }

  public forBranch(branch: string): pipelines.CodePipelineSource {
    return pipelines.CodePipelineSource.s3(this.options.bucket, `${this.options.keyPrefix ?? ''}${branch}.zip`);
  }
}
