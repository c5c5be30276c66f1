import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { DatabaseMigrations, DatabaseMigrationsProps, RelationalDatabase } from '../../src/data';
import { migrationsHash } from '../../src/data/private/migration-files';
import { SecureVpc } from '../../src/network';
import { expectCompliant } from '../support/compliance';

const MIGRATIONS = path.join(__dirname, 'fixtures', 'migrations');

function build(props: Partial<DatabaseMigrationsProps> = {}) {
  const stack = new Stack(new App(), 'Data');
  const network = new SecureVpc(stack, 'Network');
  const database = new RelationalDatabase(stack, 'Database', { vpc: network.vpc });
  const migrations = new DatabaseMigrations(stack, 'Migrations', { database, migrationsPath: MIGRATIONS, ...props });
  return { stack, database, migrations, get template() { return Template.fromStack(stack); } };
}

function copyOf(dir: string): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-migrations-'));
  for (const f of fs.readdirSync(dir)) fs.copyFileSync(path.join(dir, f), path.join(copy, f));
  return copy;
}

describe('DatabaseMigrations', () => {
  test('a custom resource with the writer endpoint, the secret and the hash of the folder, after the cluster', () => {
    const { template } = build();
    template.hasResourceProperties('Custom::DatabaseMigrations', {
      ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MigrationsFunction'), 'Arn'] },
      Host: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseCluster'), 'Endpoint.Address'] },
      Port: '5433',
      Database: 'app',
      SecretArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseCluster'), 'MasterUserSecret.SecretArn'] },
      Table: 'schema_migrations',
      MigrationsHash: migrationsHash(MIGRATIONS),
    });
    const resource = Object.values(template.findResources('Custom::DatabaseMigrations'))[0] as any;
    expect(resource.DependsOn).toEqual(expect.arrayContaining([
      expect.stringMatching(/^DatabaseCluster[0-9A-F]{8}$/), expect.stringMatching(/^DatabaseClusterWriter/), expect.stringMatching(/^MigrationsRole/),
    ]));
    expect(resource.DeletionPolicy).toBe('Retain');
  });

  test('the prebuilt handler runs in the database subnets with the files as a layer, traced, logs encrypted', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Layers: [{ Ref: Match.stringLikeRegexp('^MigrationsFiles') }],
      VpcConfig: { SubnetIds: [{ Ref: Match.stringLikeRegexp('^NetworkVpcisolatedSubnet1') }, { Ref: Match.stringLikeRegexp('^NetworkVpcisolatedSubnet2') }] },
      TracingConfig: { Mode: 'Active' },
      Environment: { Variables: Match.objectLike({ MIGRATIONS_DIR: '/opt', NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem' }) },
      Timeout: 630,
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseKey'), 'Arn'] }, RetentionInDays: 365 });
  });

  test('the function reaches the database port and HTTPS only; it may read the administrator secret', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 5433,
      ToPort: 5433,
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseSecurityGroup'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MigrationsSecurityGroup'), 'GroupId'] },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Schema migrations'),
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443 })],
    });
    const policy = JSON.stringify(Object.values(template.findResources('AWS::IAM::ManagedPolicy')).find((p: any) => /MigrationsRole/.test(JSON.stringify(p.Properties.Roles))));
    expect(policy).toContain('secretsmanager:GetSecretValue');
    expect(policy).toContain('MasterUserSecret.SecretArn');
  });

  test('the same folder gives the same layer asset and hash; a changed folder changes the hash', () => {
    const a = build().template;
    const copy = copyOf(MIGRATIONS);
    const b = build({ migrationsPath: copy }).template;
    const layerOf = (t: Template) => JSON.stringify(Object.values(t.findResources('AWS::Lambda::LayerVersion'))[0]);
    expect(layerOf(b)).toEqual(layerOf(a));
    fs.writeFileSync(path.join(copy, '0003_index.sql'), 'CREATE INDEX orders_account ON orders (account);');
    const c = build({ migrationsPath: copy }).template;
    const hashOf = (t: Template) => (Object.values(t.findResources('Custom::DatabaseMigrations'))[0] as any).Properties.MigrationsHash;
    expect(hashOf(c)).not.toEqual(hashOf(a));
    expect(layerOf(c)).not.toEqual(layerOf(a));
  });

  test('RelationalDatabase migrationsPath creates them inside the database', () => {
    const stack = new Stack(new App(), 'Data');
    const network = new SecureVpc(stack, 'Network');
    const db = new RelationalDatabase(stack, 'Database', { vpc: network.vpc, migrationsPath: MIGRATIONS });
    expect(db.migrations).toBeInstanceOf(DatabaseMigrations);
    Template.fromStack(stack).resourceCountIs('Custom::DatabaseMigrations', 1);
  });

  describe('validation', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-empty-'));
    fs.writeFileSync(path.join(empty, 'notes.txt'), 'no migrations here');
    const cases: [string, Partial<DatabaseMigrationsProps>, RegExp][] = [
      ['a missing folder', { migrationsPath: '/no/such/folder' }, /migrationsPath: '\/no\/such\/folder' is not a folder; allowed: a folder holding .sql files/],
      ['a folder without .sql files', { migrationsPath: empty }, /migrationsPath: '.*' holds no .sql file/],
      ['a table name with a dash', { table: 'schema-migrations' }, /table: 'schema-migrations'; allowed: lowercase letters/],
      ['a timeout above 15 minutes', { timeout: Duration.minutes(20) }, /timeout: 20 minutes; allowed: 1 minute to 15 minutes/],
      ['logs kept forever', { logRetention: logs.RetentionDays.INFINITE }, /logRetention: .* keeps logs forever/],
    ];
    test.each(cases)('%s', (_name, props, message) => {
      expect(() => build(props)).toThrow(message);
    });
  });

  test('compliant with every pack under defaults', () => {
    const stack = new Stack(new App(), 'Data');
    const network = new SecureVpc(stack, 'Network');
    new RelationalDatabase(stack, 'Database', { vpc: network.vpc, migrationsPath: MIGRATIONS });
    const report = expectCompliant(stack);
    const own = report.acknowledgements.filter((a) => a.constructPath.startsWith('Data/Database/Migrations/'));
    expect(own.map((a) => a.ruleId).sort()).toEqual([
      'AwsSolutions-IAM5[Resource::*]', 'HIPAA.Security-LambdaConcurrency', 'HIPAA.Security-LambdaDLQ', 'NIST.800.53.R5-LambdaConcurrency', 'NIST.800.53.R5-LambdaDLQ',
      'Serverless-LambdaDLQ',
    ]);
  });
});
