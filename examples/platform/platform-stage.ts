import { Stage, StageProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PlatformContractStack } from './platform-contract-stack';

/** One environment of the platform. */
export class PlatformStage extends Stage {
  /** The API from the contract. */
  public readonly contract: PlatformContractStack;

  constructor(scope: Construct, id: string, props: StageProps = {}) {
    super(scope, id, props);
    this.contract = new PlatformContractStack(this, 'Contract', {
      description: 'Microservice platform: the API from openapi.yaml (operations without a service answer its examples)',
    });
  }
}
