import { Aws, Token } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import { IConstruct } from 'constructs';
import { described, Validation } from '../../private/validation';

/** What the workgroup of an archive enforces. */
export interface WorkGroupSettings {
  /** The most a query may scan, in bytes. */
  readonly cutoff: number;
  readonly engineVersion: string;
  readonly resultsBucketName: string;
  readonly encryptionKeyArn: string;
}

/** Enforced settings (clients cannot override them): scan limit, metrics, results encrypted with the archive's key. */
export function workGroupConfiguration(settings: WorkGroupSettings): athena.CfnWorkGroup.WorkGroupConfigurationProperty {
  return {
    enforceWorkGroupConfiguration: true,
    publishCloudWatchMetricsEnabled: true,
    bytesScannedCutoffPerQuery: settings.cutoff,
    engineVersion: { selectedEngineVersion: settings.engineVersion },
    resultConfiguration: {
      outputLocation: `s3://${settings.resultsBucketName}/results/`,
      expectedBucketOwner: Aws.ACCOUNT_ID,
      encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: settings.encryptionKeyArn },
    },
  };
}

/** Every problem of the arguments of `addNamedQuery`, thrown as one error. */
export function validateNamedQuery(scope: IConstruct, name: string, sql: string, description: string | undefined, taken: boolean): void {
  const v = new Validation('EventArchive', scope, 'arguments of addNamedQuery');
  if (!Token.isUnresolved(name) && (name.length < 1 || name.length > 128)) v.fail('name', described(`'${name}' has ${name.length} characters`), '1-128');
  if (taken) v.fail('name', described(`'${name}' is already a named query of this archive`), 'a unique name');
  if (!Token.isUnresolved(sql) && (sql.trim().length === 0 || sql.length > 262_144)) v.fail('sql', described(`${sql.length} characters${sql.trim().length === 0 ? ' (blank)' : ''}`), '1-262144 characters of SQL');
  if (description !== undefined && !Token.isUnresolved(description) && description.length > 1024) v.fail('description', described(`${description.length} characters`), 'at most 1024');
  v.throwIfInvalid();
}
