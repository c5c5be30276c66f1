import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PLATFORM_CONTRACT } from './system';
import { ContractApi, ContractDocument, IContractImplementation } from '../../src/api';

export interface PlatformContractStackProps extends StackProps {
  /**
   * The operations answered by a service so far, by operationId.
   *
   * @default - none: every operation answers the contract's example
   */
  readonly implementations?: { [operationId: string]: IContractImplementation };
}

/**
 * The platform's one API, built from openapi.yaml by ContractApi: requests validated by the
 * contract, SigV4 (IAM) on every operation but the health checks, a regional WAF, X-Ray and JSON
 * access logs. An operation no service answers yet answers the contract's example, so the mobile
 * app is built against the deployed contract before the services exist.
 */
export class PlatformContractStack extends Stack {
  public readonly api: ContractApi;

  constructor(scope: Construct, id: string, props: PlatformContractStackProps = {}) {
    super(scope, id, props);
    this.api = new ContractApi(this, 'Api', {
      document: ContractDocument.fromFile(PLATFORM_CONTRACT),
      implementations: props.implementations,
      serviceName: 'platform',
    });
  }
}
