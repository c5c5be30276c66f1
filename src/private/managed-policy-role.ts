import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * An IAM role whose granted statements go into one customer managed policy attached to it rather
 * than an inline policy (NIST 800-53 / HIPAA / PCI `IAMNoInlinePolicy`). The policy is created on
 * the first grant.
 */
export class ManagedPolicyRole extends iam.Role {
  private managedPolicy?: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: iam.RoleProps) {
    super(scope, id, props);
  }

  /** The managed policy holding the grants, once something was granted. */
  public get grantsPolicy(): iam.ManagedPolicy | undefined {
    return this.managedPolicy;
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    if (!this.managedPolicy) {
      this.managedPolicy = new iam.ManagedPolicy(this, 'Grants', {
        description: `Permissions granted to ${this.node.path}`,
        roles: [this],
      });
    }
    this.managedPolicy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.managedPolicy };
  }
}
