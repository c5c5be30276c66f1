import { Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { migrationsDir, migrationsTable, PLATFORM_SERVICES, PlatformServiceName } from './system';
import { Compliance } from '../../src/compliance';
import { DatabaseMigrations, RelationalDatabase } from '../../src/data';

export interface PlatformDependenciesStackProps extends StackProps {
  readonly vpc: ec2.IVpc;
  /**
   * Reader instances beside the writer (PROD: at least one, so a failover has somewhere to go).
   *
   * @default 0
   */
  readonly readers?: number;
}

/**
 * The services' data: one Aurora PostgreSQL cluster (always backed up; readers in PROD), one
 * schema per service, each migrated at deployment by its own DatabaseMigrations from
 * services/<service>/migrations with its own migrations table, one after another.
 */
export class PlatformDependenciesStack extends Stack {
  public readonly database: RelationalDatabase;
  public readonly migrations: { [service in PlatformServiceName]: DatabaseMigrations };

  constructor(scope: Construct, id: string, props: PlatformDependenciesStackProps) {
    super(scope, id, props);
    this.database = new RelationalDatabase(this, 'Database', {
      vpc: props.vpc,
      databaseName: 'platform',
      readers: props.readers ?? 0,
      proxy: true,
    });
    const migrations: Partial<Record<PlatformServiceName, DatabaseMigrations>> = {};
    let previous: DatabaseMigrations | undefined;
    for (const service of Object.keys(PLATFORM_SERVICES) as PlatformServiceName[]) {
      const m = new DatabaseMigrations(this, `${service[0].toUpperCase()}${service.slice(1)}Migrations`, {
        database: this.database,
        migrationsPath: migrationsDir(service),
        table: migrationsTable(service),
      });
      // One run at a time: the custom resources wait for each other (the rest deploys in parallel).
      // The Control Tower rule reads VpcConfig's subnets as strings or references to subnets of this
      // template; here they are the foundation stack's, imported (Fn::ImportValue), which it cannot follow.
      Compliance.acknowledge(m.function, 'lambda_inside_vpc_check',
        'The function is in the VPC: its VpcConfig names the isolated subnets of the platform foundation stack (imported from that stack, which the rule cannot resolve) and a security group of its own.');
      if (previous) m.resource.node.addDependency(previous.resource);
      previous = m;
      migrations[service] = m;
    }
    this.migrations = migrations as { [service in PlatformServiceName]: DatabaseMigrations };
  }
}
