import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { TracedFunction } from '../../src/api';
import { RelationalDatabase, RelationalDatabaseProps } from '../../src/data';
import { SecureVpc } from '../../src/network';
import { expectCompliant } from '../support/compliance';

function build(props: Partial<RelationalDatabaseProps> = {}) {
  const stack = new Stack(new App(), 'Data');
  const network = new SecureVpc(stack, 'Network');
  const db = new RelationalDatabase(stack, 'Database', { vpc: network.vpc, ...props });
  return { stack, network, db, get template() { return Template.fromStack(stack); } };
}

function client(stack: Stack, vpc: ec2.IVpc) {
  return new TracedFunction(stack, 'Reader', {
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
    handler: 'index.handler',
    serviceName: 'reader',
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  });
}

describe('RelationalDatabase defaults', () => {
  test('Aurora PostgreSQL with a Serverless v2 writer and one reader that scales with it', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      EngineVersion: '17.7',
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 4 },
      Port: 5433,
      DatabaseName: 'app',
      MasterUsername: 'dbadmin',
    });
    const instances = Object.values(template.findResources('AWS::RDS::DBInstance')).map((r: any) => r.Properties);
    expect(instances).toHaveLength(2);
    expect(instances.map((i) => [i.DBInstanceClass, i.PromotionTier, i.PubliclyAccessible, i.AutoMinorVersionUpgrade]))
      .toEqual([['db.serverless', 0, false, true], ['db.serverless', 1, false, true]]);
  });

  test('storage, backups and the administrator secret encrypted with the database key; backups kept 14 days', () => {
    const { template } = build();
    const key = { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseKey'), 'Arn'] };
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      StorageEncrypted: true,
      KmsKeyId: key,
      BackupRetentionPeriod: 14,
      PreferredBackupWindow: '03:00-04:00',
      CopyTagsToSnapshot: true,
      ManageMasterUserPassword: true,
      MasterUserSecret: { KmsKeyId: key },
      MasterUserPassword: Match.absent(),
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  test('deletion protection on, and a final snapshot when the cluster leaves the stack', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::RDS::DBCluster', { DeletionProtection: true });
    template.hasResource('AWS::RDS::DBCluster', { DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot' });
  });

  test('IAM database authentication, TLS required by the parameter group, isolated subnets', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::RDS::DBCluster', { EnableIAMDatabaseAuthentication: true });
    template.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', { Parameters: { 'rds.force_ssl': '1' } });
    const subnetGroup = Object.values(template.findResources('AWS::RDS::DBSubnetGroup'))[0] as any;
    expect(subnetGroup.Properties.SubnetIds).toEqual([
      { Ref: expect.stringMatching(/^NetworkVpcisolatedSubnet1/) },
      { Ref: expect.stringMatching(/^NetworkVpcisolatedSubnet2/) },
    ]);
  });

  test('the PostgreSQL log goes to a KMS-encrypted log group named for the cluster, kept one year, created before it', () => {
    const { template, db } = build();
    template.hasResourceProperties('AWS::RDS::DBCluster', { EnableCloudwatchLogsExports: ['postgresql'], DBClusterIdentifier: db.clusterIdentifier });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: `/aws/rds/cluster/${db.clusterIdentifier}/postgresql`,
      RetentionInDays: 365,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseKey'), 'Arn'] },
    });
    const cluster = Object.values(template.findResources('AWS::RDS::DBCluster'))[0] as any;
    expect(cluster.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^DatabasePostgresLog/)]));
    expect(db.clusterIdentifier).toMatch(/^[a-z][a-z0-9-]{0,61}[a-z0-9]$/);
    template.resourceCountIs('Custom::LogRetention', 0);
  });

  test('Performance Insights (encrypted, 7 days) and Enhanced Monitoring every 60 s with a role scoped to RDSOSMetrics', () => {
    const { template } = build();
    template.allResourcesProperties('AWS::RDS::DBInstance', {
      EnablePerformanceInsights: true,
      PerformanceInsightsKMSKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseKey'), 'Arn'] },
      PerformanceInsightsRetentionPeriod: 7,
      MonitoringInterval: 60,
      MonitoringRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseMonitoringRole'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'monitoring.rds.amazonaws.com' } })] },
      ManagedPolicyArns: Match.absent(),
    });
  });

  test('an RDS Proxy with IAM authentication and TLS, reading the administrator secret', () => {
    const { template, db } = build();
    template.hasResourceProperties('AWS::RDS::DBProxy', {
      EngineFamily: 'POSTGRESQL',
      RequireTLS: true,
      DebugLogging: false,
      Auth: [{ AuthScheme: 'SECRETS', IAMAuth: 'REQUIRED', SecretArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseCluster'), 'MasterUserSecret.SecretArn'] } }],
    });
    expect(db.proxyEndpoint).toBeDefined();
    expect(db.proxyPort).toBe(5432);
  });

  test('security groups admit nobody but the proxy until a client is granted; no open egress', () => {
    const { template } = build();
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map((r: any) => r.Properties);
    expect(ingress).toEqual([expect.objectContaining({
      FromPort: 5433,
      ToPort: 5433,
      GroupId: { 'Fn::GetAtt': [expect.stringMatching(/^DatabaseSecurityGroup/), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^DatabaseProxySecurityGroup/), 'GroupId'] },
    })]);
    const groups = Object.values(template.findResources('AWS::EC2::SecurityGroup')).map((r: any) => r.Properties)
      .filter((sg) => /^(Database|Proxy of the database)/.test(sg.GroupDescription));
    expect(groups).toHaveLength(2);
    for (const sg of groups) expect(JSON.stringify(sg.SecurityGroupEgress ?? [])).not.toContain('0.0.0.0/0');
    const egress = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress')).map((r: any) => r.Properties);
    expect(egress).toEqual([expect.objectContaining({ FromPort: 5433, ToPort: 5433, DestinationSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^DatabaseSecurityGroup/), 'GroupId'] } })]);
  });
});

describe('RelationalDatabase options', () => {
  test('provisioned instances on request, readers spread and in the failover tiers', () => {
    const { template } = build({ instanceType: ec2.InstanceType.of(ec2.InstanceClass.R7G, ec2.InstanceSize.LARGE), readers: 2 });
    const instances = Object.values(template.findResources('AWS::RDS::DBInstance')).map((r: any) => r.Properties);
    expect(instances.map((i) => [i.DBInstanceClass, i.PromotionTier])).toEqual([['db.r7g.large', 0], ['db.r7g.large', 1], ['db.r7g.large', 2]]);
    template.hasResourceProperties('AWS::RDS::DBCluster', { ServerlessV2ScalingConfiguration: Match.absent() });
  });

  test('no readers for a development stage; capacity, retention, port and names as given', () => {
    const { template } = build({ readers: 0, minCapacity: 1, maxCapacity: 16, backupRetentionDays: 35, port: 6543, databaseName: 'orders', masterUsername: 'owner', logRetention: logs.RetentionDays.THREE_MONTHS });
    template.resourceCountIs('AWS::RDS::DBInstance', 1);
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      ServerlessV2ScalingConfiguration: { MinCapacity: 1, MaxCapacity: 16 },
      BackupRetentionPeriod: 35,
      Port: 6543,
      DatabaseName: 'orders',
      MasterUsername: 'owner',
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90, LogGroupName: Match.stringLikeRegexp('/postgresql$') });
  });

  test('proxy: false leaves the proxy out', () => {
    const { template, db } = build({ proxy: false });
    template.resourceCountIs('AWS::RDS::DBProxy', 0);
    expect(db.proxy).toBeUndefined();
    expect(db.proxyEndpoint).toBeUndefined();
  });

  test('grantConnect opens the cluster port and the proxy port to the client and grants rds-db:connect on both', () => {
    const { stack, network, db } = build();
    const fn = client(stack, network.vpc);
    db.grantConnect(fn.function);
    const template = Template.fromStack(stack);
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map((r: any) => r.Properties);
    const fromFn = ingress.filter((i) => /Reader/.test(JSON.stringify(i.SourceSecurityGroupId)));
    expect(fromFn.map((i) => [i.FromPort, i.GroupId['Fn::GetAtt'][0].replace(/[0-9A-F]{8}$/, '')]).sort())
      .toEqual([[5432, 'DatabaseProxySecurityGroup'], [5433, 'DatabaseSecurityGroup']]);
    const policies = JSON.stringify(template.findResources('AWS::IAM::ManagedPolicy'));
    expect(policies).toContain('rds-db:connect');
    expect(policies).toMatch(/dbuser:.*DatabaseCluster.*DBClusterResourceId.*\/dbadmin/);
    expect(policies).toMatch(/dbuser:.*DatabaseProxy.*DBProxyArn.*\/dbadmin/);
  });

  test('grantConnect with a database user grants that user', () => {
    const { stack, network, db } = build();
    db.grantConnect(client(stack, network.vpc).function, 'reporting');
    expect(JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'))).toContain('/reporting');
  });

  test('grantReadSecret lets a principal read the administrator secret', () => {
    const { stack, network, db } = build();
    db.grantReadSecret(client(stack, network.vpc).function);
    expect(JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'))).toContain('secretsmanager:GetSecretValue');
  });

  test('RemovalPolicy.RETAIN is honoured', () => {
    build({ removalPolicy: RemovalPolicy.RETAIN }).template.hasResource('AWS::RDS::DBCluster', { DeletionPolicy: 'Retain' });
  });
});

describe('RelationalDatabase validation', () => {
  const cases: [string, Partial<RelationalDatabaseProps>, RegExp][] = [
    ['readers above 15', { readers: 16 }, /readers: 16; allowed: an integer from 0 to 15/],
    ['negative readers', { readers: -1 }, /readers: -1/],
    ['backupRetentionDays 0', { backupRetentionDays: 0 }, /backupRetentionDays: 0; allowed: an integer from 1 to 35 days/],
    ['backupRetentionDays 36', { backupRetentionDays: 36 }, /backupRetentionDays: 36/],
    ['minCapacity below 0.5', { minCapacity: 0.25 }, /minCapacity: 0.25; allowed: 0.5 to 256 ACUs/],
    ['minCapacity off the 0.5 steps', { minCapacity: 1.3 }, /minCapacity: 1.3; allowed: a multiple of 0.5/],
    ['maxCapacity above 256', { maxCapacity: 300 }, /maxCapacity: 300; allowed: 1 to 256 ACUs/],
    ['maxCapacity off the 0.5 steps', { maxCapacity: 2.2 }, /maxCapacity: 2.2; allowed: a multiple of 0.5/],
    ['maxCapacity below minCapacity', { minCapacity: 8, maxCapacity: 4 }, /maxCapacity: 4 is below minCapacity; allowed: at least minCapacity \(8\)/],
    ['capacity with instanceType', { instanceType: ec2.InstanceType.of(ec2.InstanceClass.R7G, ec2.InstanceSize.LARGE), maxCapacity: 8 }, /minCapacity, maxCapacity: given with instanceType/],
    ['databaseName with capitals', { databaseName: 'Orders' }, /databaseName: 'Orders'; allowed: lowercase letters/],
    ['databaseName reserved', { databaseName: 'template1' }, /databaseName: 'template1' is reserved/],
    ['masterUsername with a dash', { masterUsername: 'db-admin' }, /masterUsername: 'db-admin'; allowed: lowercase letters/],
    ['masterUsername reserved', { masterUsername: 'rdsadmin' }, /masterUsername: 'rdsadmin' is reserved/],
    ['port below 1150', { port: 80 }, /port: 80; allowed: an integer from 1150 to 65535/],
    ['logRetention forever', { logRetention: logs.RetentionDays.INFINITE }, /logRetention: .* keeps logs forever/],
    ['monitoringInterval not an RDS interval', { monitoringInterval: Duration.seconds(20) }, /monitoringInterval: 20 seconds; allowed: one of 1 second, 5 seconds/],
    ['DESTROY with deletion protection', { removalPolicy: RemovalPolicy.DESTROY }, /removalPolicy: 'DESTROY' with deletionProtection on/],
  ];
  test.each(cases)('%s', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('DESTROY without deletion protection is accepted', () => {
    expect(() => build({ removalPolicy: RemovalPolicy.DESTROY, deletionProtection: false })).not.toThrow();
  });

  test('one error lists every invalid prop', () => {
    expect(() => build({ readers: 99, port: 1, databaseName: '1x' })).toThrow(/RelationalDatabase 'Data\/Database' has invalid props:\n {2}- readers: 99[^]*- databaseName: '1x'[^]*- port: 1;/);
  });

  test('a VPC without private subnets', () => {
    const stack = new Stack(new App(), 'Data');
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }] });
    expect(() => new RelationalDatabase(stack, 'Database', { vpc })).toThrow(/vpc: .* has no private subnets/);
  });

  test('public subnets', () => {
    const stack = new Stack(new App(), 'Data');
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }, { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    expect(() => new RelationalDatabase(stack, 'Database', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } })).toThrow(/vpcSubnets: .* selects 2 public subnet\(s\)/);
  });

  test('subnets in one Availability Zone', () => {
    const stack = new Stack(new App(), 'Data');
    const network = new SecureVpc(stack, 'Network');
    expect(() => new RelationalDatabase(stack, 'Database', { vpc: network.vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED, onePerAz: true, availabilityZones: [network.vpc.availabilityZones[0]] } }))
      .toThrow(/vpcSubnets: .* spans 1 Availability Zone\(s\)/);
  });
});

describe('RelationalDatabase compliance', () => {
  test('compliant with every pack under defaults, with a granted VPC function', () => {
    const { stack, network, db } = build();
    db.grantConnect(client(stack, network.vpc).function);
    const report = expectCompliant(stack);
    const own = report.acknowledgements.filter((a) => a.constructPath.startsWith('Data/Database/'));
    expect(own.map((a) => a.ruleId).sort()).toEqual([
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:RDSOSMetrics:log-stream:*]',
      ...['HIPAA.Security-RDSInBackupPlan', 'HIPAA.Security-RDSInBackupPlan', 'NIST.800.53.R5-RDSInBackupPlan', 'NIST.800.53.R5-RDSInBackupPlan'],
    ].sort());
  });
});
