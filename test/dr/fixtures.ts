import { App, Stack } from 'aws-cdk-lib';
import { RecoveryBucket, ReplicatedBucket, ReplicatedBucketProps } from '../../src/dr';

export const PRIMARY = 'eu-west-1';
export const RECOVERY = 'eu-central-1';

export function pair(props: Partial<ReplicatedBucketProps> = {}) {
  const app = new App();
  const recovery = new Stack(app, 'Recovery', { env: { region: RECOVERY } });
  const primary = new Stack(app, 'Primary', { env: { region: PRIMARY } });
  const replica = new RecoveryBucket(recovery, 'Images');
  const source = new ReplicatedBucket(primary, 'Images', { recoveryBucket: replica, ...props });
  return { app, recovery, primary, replica, source };
}

export const replicaName = { 'Fn::Join': ['-', ['rampart-dr-dee73187', { Ref: 'AWS::AccountId' }, RECOVERY]] };
export const replicaArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', replicaName]] };
export const replicaObjects = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', replicaName, '/*']] };
export const aliasArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:kms:${RECOVERY}:`, { Ref: 'AWS::AccountId' }, ':alias/rampart-dr/RecoveryImagesDEE73187']] };
