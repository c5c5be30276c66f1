import { Stack, Stage } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { Compliance, RuleFamily } from '../../compliance';
import { flattenCfnReference } from '../../private/nag-id';

/** What the acknowledgements need to know about the pipeline's own resources. */
export interface PipelineResources {
  /** Flattened ARN of the artifact bucket, as cdk-nag prints it: `<LogicalId.Arn>`. */
  readonly artifactBucketArn: string;
  /** Flattened ARN of the S3 source bucket, when the source is S3. */
  readonly sourceBucketArn?: string;
  /** Flattened ARNs of the artifact buckets of other regions. */
  readonly replicationBucketArns?: string[];
  /** The keys of those buckets, by their alias. */
  readonly replicationKeyAliases?: ReplicationKeyAlias[];
}

/** An artifact key of another region, known to the pipeline stack by its alias only. */
export interface ReplicationKeyAlias {
  readonly region: string;
  readonly account: string;
  readonly aliasName: string;
}

/** A wildcard that CDK's own grants or CDK Pipelines put in a pipeline role, and why it is acceptable. */
interface KnownWildcard {
  readonly matches: (finding: string, statementActions: string[], statement: any) => boolean;
  readonly reason: string;
}

const VPC_ACTIONS = ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups', 'ec2:DescribeDhcpOptions', 'ec2:DescribeVpcs'];
const ASSET_LOG_ACTIONS = ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'];
const ASSET_REPORT_ACTIONS = ['codebuild:CreateReportGroup', 'codebuild:CreateReport', 'codebuild:UpdateReport', 'codebuild:BatchPutTestCases', 'codebuild:BatchPutCodeCoverages'];
const ASSET_BUILD_ACTIONS = ['codebuild:BatchGetBuilds', 'codebuild:StartBuild', 'codebuild:StopBuild'];
const READ_WRITE_VARIANTS = ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'];

function knownWildcards(resources: PipelineResources): KnownWildcard[] {
  const buckets = [resources.artifactBucketArn, resources.sourceBucketArn, ...resources.replicationBucketArns ?? []]
    .filter((b): b is string => b !== undefined);
  const aliases = resources.replicationKeyAliases ?? [];
  return [
    {
      matches: (f) => READ_WRITE_VARIANTS.some((a) => f === `Action::${a}`),
      reason: 'CDK grant on the pipeline artifact bucket and its key (grantRead/grantReadWrite): the wildcard spans the variants of one operation (object versions, multipart parts, data-key forms) and the statement names only that bucket and key.',
    },
    {
      matches: (f) => buckets.some((b) => f === `Resource::${b}/*`),
      reason: 'Objects of the pipeline artifact (or source) bucket, or of its copy in a region a stage deploys to: each execution writes artifacts under keys generated at run time, so the objects cannot be listed in advance; the bucket is KMS-encrypted, TLS-only and private.',
    },
    {
      matches: (f, _actions, statement) => aliases.some((a) => f === `Resource::arn:<AWS::Partition>:kms:${a.region}:${a.account}:key/*`
        && statement?.Condition?.['ForAnyValue:StringEquals']?.['kms:ResourceAliases'] === a.aliasName),
      reason: 'The artifact key of a region a stage deploys to lives in that region\'s support stack; its ARN holds a random key id that no stack of the pipeline\'s region can know without a cross-region lookup, so the grant names this account\'s keys of that region and the condition kms:ResourceAliases limits it to the one key behind the support stack\'s alias.',
    },
    {
      matches: (f) => /^Resource::arn:<AWS::Partition>:logs:[a-z0-9-]+:\d{12}:log-group:\/aws\/codebuild\/<[A-Za-z0-9]+>:\*$/.test(f),
      reason: 'CodeBuild grants every project its own default log group (/aws/codebuild/<project>) and its log streams, whose names are build ids known only at run time; the builds write to the pipeline log group.',
    },
    {
      matches: (f) => /^Resource::arn:<AWS::Partition>:codebuild:[a-z0-9-]+:\d{12}:report-group\/<[A-Za-z0-9]+>-\*$/.test(f),
      reason: 'CodeBuild grants every project the test report groups named after it (<project>-<report>), created at run time.',
    },
    {
      matches: (f, actions) => f === 'Resource::*' && actions.length > 0 && actions.every((a) => ['ecr:GetAuthorizationToken', 'cloudformation:DescribeStacks', 's3:ListBucket'].includes(a)),
      reason: 'ecr:GetAuthorizationToken has no resource-level permissions (registry login for the image build); the self-mutation step of CDK Pipelines reads stack descriptions and bucket listings of the CDK bootstrap to deploy the pipeline stack (read-only).',
    },
    {
      matches: (f, actions) => /^Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:network-interface\/\*$/.test(f) && actions.every((a) => a === 'ec2:CreateNetworkInterfacePermission'),
      reason: 'CodeBuild in a VPC attaches network interfaces it creates at run time; the statement is conditioned to the configured subnets and to ec2:AuthorizedService codebuild.amazonaws.com.',
    },
    {
      matches: (f, actions) => f === 'Resource::*' && actions.length > 0 && actions.every((a) => VPC_ACTIONS.includes(a)),
      reason: 'CodeBuild in a VPC creates, describes and deletes its network interfaces and reads subnets, security groups, DHCP options and VPCs; these EC2 actions have no resource-level permissions.',
    },
    // CDK Pipelines' asset-publishing role (Assets/FileRole), which every app with file assets gets:
    // its CodeBuild statements name projects it creates per asset batch, so they use wildcards.
    {
      matches: (f, actions) => /^Resource::arn:<AWS::Partition>:logs:[^:]+:[^:]+:log-group:\/aws\/codebuild\/\*$/.test(f)
        && actions.every((a) => ASSET_LOG_ACTIONS.includes(a)),
      reason: 'CDK Pipelines\' asset-publishing role: CodeBuild\'s standard grant to create and write the default log groups (/aws/codebuild/<project>) of the publishing projects, which CDK Pipelines creates per asset batch; limited to CodeBuild log groups of this account and region, create and write only.',
    },
    {
      matches: (f, actions) => /^Resource::arn:<AWS::Partition>:codebuild:[^:]+:[^:]+:report-group\/\*$/.test(f)
        && actions.every((a) => ASSET_REPORT_ACTIONS.includes(a)),
      reason: 'CDK Pipelines\' asset-publishing role: CodeBuild\'s standard report-group grant for its publishing projects (reports are named at run time); limited to this account and region, and the publishing builds write no reports.',
    },
    {
      matches: (f, actions) => f === 'Resource::*' && actions.length > 0 && actions.every((a) => ASSET_BUILD_ACTIONS.includes(a)),
      reason: 'CDK Pipelines\' asset-publishing role: the build-control statement (StartBuild/StopBuild/BatchGetBuilds) that CDK Pipelines adds with resource *; the role can run builds but reaches no data, and the upload itself goes through the target account\'s CDK file-publishing role, named exactly in the same policy.',
    },
    {
      matches: (f, actions) => /^Resource::arn:\*:iam::\d{12}:role\/\*$/.test(f) && actions.every((a) => a === 'sts:AssumeRole'),
      reason: 'CDK Pipelines self-mutation assumes the CDK bootstrap roles of the pipeline account; the statement is restricted by condition to roles tagged aws-cdk:bootstrap-role (deploy, file-publishing, image-publishing).',
    },
  ];
}

const INLINE_POLICY_REASON = 'CDK attaches each pipeline role\'s least-privilege grants as a policy created, scoped and deleted with that one role (CDK Pipelines creates a role per action); it is never attached elsewhere, which is the risk this rule guards against.';

/** Wildcard findings of a policy document as cdk-nag's IAM5 reports them. */
function wildcardFindings(document: any): { finding: string; actions: string[]; statement: any }[] {
  const out: { finding: string; actions: string[]; statement: any }[] = [];
  for (const statement of document?.Statement ?? []) {
    if (statement.Effect !== 'Allow') continue;
    const actions: string[] = [statement.Action ?? []].flat();
    for (const a of actions) if (a.includes('*')) out.push({ finding: `Action::${a}`, actions, statement });
    for (const r of [statement.Resource ?? []].flat()) {
      const flat = flattenCfnReference(r);
      if (flat.includes('*')) out.push({ finding: `Resource::${flat}`, actions, statement });
    }
  }
  return out;
}

/**
 * Acknowledge, on each pipeline role policy and CodeBuild project under `scope` (never inside the
 * application stages), the findings that CDK Pipelines' own resources cannot avoid. A wildcard
 * that is not one of the known ones stays a finding.
 */
export function acknowledgePipelineResources(scope: IConstruct, resources: PipelineResources): void {
  const stack = Stack.of(scope);
  const stage = Stage.of(scope);
  const known = knownWildcards(resources);
  for (const c of scope.node.findAll()) {
    if (Stage.of(c) !== stage) continue; // the application stages answer for themselves
    if (c instanceof iam.CfnPolicy) {
      Compliance.acknowledgeFamily(c, RuleFamily.IAM_INLINE_POLICY, INLINE_POLICY_REASON);
      // One finding id can come from several statements (e.g. two on `*`): acknowledge it only
      // when every one of them is known, with the reason of each.
      const reasons = new Map<string, Array<string | undefined>>();
      for (const { finding, actions, statement } of wildcardFindings(stack.resolve(c.policyDocument))) {
        reasons.set(finding, [...reasons.get(finding) ?? [], known.find((k) => k.matches(finding, actions, statement))?.reason]);
      }
      for (const [finding, each] of reasons) {
        if (each.every((r) => r !== undefined)) {
          Compliance.acknowledge(c, `AwsSolutions-IAM5[${finding}]`, [...new Set(each)].join(' '));
        }
      }
    }
    if (c instanceof codebuild.CfnProject && stack.resolve(c.source)?.type === 'CODEPIPELINE') {
      {
        Compliance.acknowledgeFamily(c, RuleFamily.CODEBUILD_SOURCE_REPOSITORY, 'The project\'s source is CODEPIPELINE: it reads the encrypted pipeline artifacts and never connects to a repository, so there is no repository URL or OAuth credential to check; the repository is reached through a CodeConnections connection.');
      }
    }
  }
}
