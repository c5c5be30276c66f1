import { Stage, StageProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PlatformContractStack } from './platform-contract-stack';
import { PlatformDependenciesStack } from './platform-dependencies-stack';
import { PlatformFoundationStack } from './platform-foundation-stack';

export interface PlatformStageProps extends StageProps {
  /**
   * Database readers beside the writer (one or more in PROD).
   *
   * @default 0
   */
  readonly databaseReaders?: number;
}

/** One environment of the platform: foundation (network), dependencies (database), the contract's API. */
export class PlatformStage extends Stage {
  public readonly foundation: PlatformFoundationStack;
  public readonly dependencies: PlatformDependenciesStack;
  /** The API from the contract. */
  public readonly contract: PlatformContractStack;

  constructor(scope: Construct, id: string, props: PlatformStageProps = {}) {
    super(scope, id, props);
    this.foundation = new PlatformFoundationStack(this, 'Foundation', {
      description: 'Microservice platform: the network every service stands on',
    });
    this.dependencies = new PlatformDependenciesStack(this, 'Dependencies', {
      vpc: this.foundation.network.vpc,
      readers: props.databaseReaders,
      description: 'Microservice platform: the services\' database, one schema per service, migrated at deployment',
    });
    this.contract = new PlatformContractStack(this, 'Contract', {
      description: 'Microservice platform: the API from openapi.yaml (operations without a service answer its examples)',
    });
  }
}
