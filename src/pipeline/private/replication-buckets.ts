import { Aws, BootstraplessSynthesizer, DefaultStackSynthesizer, PhysicalName, Stack, Stage, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { artifactBucket } from './pipeline-resources';
import { accessLogBucket } from '../../private/buckets';
import { secureKey } from '../../private/kms-key';

/**
 * The alias of a region's replication key. Principals of the key's own account that are in another
 * region (the pipeline's role) get an IAM grant on this account's keys of that region limited by
 * `kms:ResourceAliases` to this alias: the key's ARN holds a random id that no stack of the
 * pipeline's region can know, and a cross-region reference to it would need a custom resource.
 * Principals of other accounts (the environments' deploy roles) are granted in the key policy, as
 * CDK does.
 */
class ReplicationKeyAlias extends kms.Alias {
  /** The alias name as text (`aliasName` is a token that other stacks would import). */
  public readonly literalName: string;

  constructor(scope: Construct, id: string, props: kms.AliasProps) {
    super(scope, id, props);
    this.literalName = props.aliasName;
  }

  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    const stack = Stack.of(this);
    const principalStack = grantee instanceof Construct ? Stack.of(grantee) : undefined;
    const principalAccount = grantee.grantPrincipal.principalAccount;
    if (principalStack === undefined || principalStack.region === stack.region || principalAccount !== stack.account) {
      return super.grant(grantee, ...actions);
    }
    return iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [`arn:${Aws.PARTITION}:kms:${stack.region}:${stack.account}:key/*`],
      conditions: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': this.literalName } },
    });
  }
}

/** One region's support stack: the artifact bucket of that region's actions, its key and access logs. */
export interface ReplicationSupport {
  readonly stack: Stack;
  readonly bucket: s3.Bucket;
  readonly key: kms.Key;
  readonly accessLogsBucket: s3.Bucket;
  /** The key's alias, which the pipeline roles' grant on the key is limited to. */
  readonly aliasName: string;
}

/**
 * The artifact buckets of a delivery's pipelines in regions other than the pipeline stack's, one
 * support stack per region, made like the primary artifact bucket (KMS key with rotation, versioned,
 * TLS-only, access-logged, lifecycle), instead of the support stack CodePipeline makes itself
 * (no access logs, versioning or key rotation). Shared by every pipeline of the delivery.
 */
export class ReplicationBuckets {
  private readonly supports = new Map<string, ReplicationSupport>();

  constructor(private readonly delivery: Construct) {}

  /** Every region's support, in the order the regions were first needed. */
  public get all(): ReplicationSupport[] {
    return [...this.supports.values()];
  }

  /**
   * The buckets CodePipeline should use for `stage` (its stacks' concrete regions other than the
   * pipeline's), with `primary` for the pipeline's region; undefined when every stack of the stage
   * is in the pipeline's region (CodePipeline then keeps its single artifact store).
   */
  public forStage(stage: Stage, primary: s3.IBucket): Record<string, s3.IBucket> | undefined {
    const pipelineRegion = Stack.of(this.delivery).region;
    const regions = new Set(stage.node.findAll()
      .filter((c): c is Stack => Stack.isStack(c))
      .map((s) => s.region)
      .filter((r) => !Token.isUnresolved(r) && r !== pipelineRegion));
    if (regions.size === 0) return undefined;
    const buckets: Record<string, s3.IBucket> = { [pipelineRegion]: primary };
    for (const region of [...regions].sort()) buckets[region] = this.supportIn(region).bucket;
    return buckets;
  }

  private supportIn(region: string): ReplicationSupport {
    const existing = this.supports.get(region);
    if (existing) return existing;
    const pipelineStack = Stack.of(this.delivery);
    const id = `${pipelineStack.stackName}-${this.delivery.node.id}-${region}`;
    // Like CodePipeline's own support stack: deployed with the pipeline account's CDK roles (IAM is
    // global), so that region of the pipeline account needs no bootstrap; it holds no assets.
    const synthesizer = pipelineStack.synthesizer instanceof DefaultStackSynthesizer
      ? new BootstraplessSynthesizer({
        deployRoleArn: pipelineStack.synthesizer.deployRoleArn,
        cloudFormationExecutionRoleArn: pipelineStack.synthesizer.cloudFormationExecutionRoleArn,
      })
      : undefined;
    const stack = new Stack(Stage.of(pipelineStack) ?? pipelineStack.node.root, id, {
      env: { account: pipelineStack.account, region },
      synthesizer,
      description: `Pipeline artifacts in ${region} of ${this.delivery.node.path}`,
    });
    const key = secureKey(stack, 'ArtifactKey', { description: `Pipeline artifacts in ${region} of ${this.delivery.node.path}` });
    const alias = new ReplicationKeyAlias(stack, 'ArtifactKeyAlias', {
      aliasName: `alias/${id.replace(/[^A-Za-z0-9/_-]/g, '-')}/artifacts`,
      targetKey: key,
    });
    const accessLogsBucket = accessLogBucket(stack, 'AccessLogsBucket');
    const bucket = artifactBucket(stack, alias, accessLogsBucket, { bucketName: PhysicalName.GENERATE_IF_NEEDED });
    const support = { stack, bucket, key, accessLogsBucket, aliasName: alias.literalName };
    this.supports.set(region, support);
    return support;
  }
}
