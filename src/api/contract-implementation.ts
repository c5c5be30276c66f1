import { Duration } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ContainerImplementation, FunctionImplementation } from './private/contract-implementations';
import { ContainerService } from '../compute/container-service';

/** An operation of a contract, as an implementation is bound to it. */
export interface ContractOperation {
  /** The operation's `operationId`. */
  readonly operationId: string;
  /** The HTTP method, upper case (`GET`). */
  readonly method: string;
  /** The contract's path, e.g. `/passes/{passId}`. */
  readonly path: string;
  /** The names of the path's parameters, in order. */
  readonly pathParameters: string[];
}

/** The integration an implementation answers an operation with. */
export interface ContractIntegration {
  /** The API Gateway integration. */
  readonly integration: apigateway.Integration;
  /**
   * The load balancer a private integration through a VPC link V2 sends requests to (its ARN).
   *
   * @default - none: not a load balancer integration
   */
  readonly integrationTarget?: string;
  /**
   * Why the stage needs no client certificate for this integration, for the compliance report.
   *
   * @default - the reason of a Lambda integration
   */
  readonly clientCertificateReason?: string;
}

/** What answers an operation of a `ContractApi`. */
export interface IContractImplementation {
  /**
   * The integration answering `operation`.
   *
   * @param scope the `ContractApi` (shared resources such as a VPC link are created in it)
   */
  bind(scope: Construct, operation: ContractOperation): ContractIntegration;
}

/** How a `ContainerService` answers the operations bound to it. */
export interface ContainerImplementationOptions {
  /**
   * The name the service's load balancer certificate is for: API Gateway calls
   * `https://<hostName><path>` through the VPC link and verifies the certificate against it.
   */
  readonly hostName: string;
  /**
   * How long API Gateway waits for the service (50 ms to 29 seconds).
   *
   * @default Duration.seconds(29)
   */
  readonly timeout?: Duration;
}


/** Implementations of a contract's operations. */
export class ContractImplementation {
  /**
   * A Lambda function (a `TracedFunction` answers through its function) as a Lambda proxy
   * integration: API Gateway may invoke it for this operation's method and path only.
   */
  public static fromFunction(fn: lambda.IFunction): IContractImplementation {
    return new FunctionImplementation(fn);
  }

  /**
   * A `ContainerService` with an INTERNAL load balancer, reached through a VPC link V2 (one per
   * VPC, shared by the API's operations) over HTTPS; the link's security group is the only one
   * the load balancer's admits it from.
   */
  public static fromContainerService(service: ContainerService, options: ContainerImplementationOptions): IContractImplementation {
    return new ContainerImplementation(service, options);
  }

  private constructor() {}
}

