import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ApiThrottle } from './traced-api-route';
import { RegionalWebAclProps } from '../waf/regional-web-acl';

/**
 * How the REST API of a `TracedApi` or a `ContractApi` is served: its stage, throttle, CORS,
 * logs, key, WAF and endpoint. Both constructs take these props and apply them the same way.
 */
export interface RestGatewayOptions {
  /**
   * Stage name (the first segment of the URL path).
   *
   * @default 'v1'
   */
  readonly stageName?: string;
  /**
   * Stage throttle, applied to every route (operation) without its own.
   *
   * @default - 1000 requests per second, bursts of 2000
   */
  readonly throttle?: ApiThrottle;
  /**
   * CORS: preflight answers on every resource, and CORS headers on gateway error responses (and,
   * on a `ContractApi`, on the answers of its mock integrations).
   *
   * @default - no CORS
   */
  readonly cors?: apigateway.CorsOptions;
  /**
   * API Gateway execution logging level. Off by default: execution logs can carry request data,
   * and they need the region's API Gateway account role (`AWS::ApiGateway::Account`), which must
   * exist before you turn this on. Full request/response data tracing is never enabled.
   *
   * @default apigateway.MethodLoggingLevel.OFF
   */
  readonly executionLogLevel?: apigateway.MethodLoggingLevel;
  /**
   * Retention of the access logs (and of the logs of the functions a `TracedApi` creates).
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * KMS key encrypting the access logs and the WAF logs (and the logs and environment variables
   * of the functions a `TracedApi` creates).
   *
   * @default - a new key with rotation on
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * The regional WAF WebACL the API creates in front of the stage (AWS managed rule groups, a
   * rate-based rule per client IP, optional geo and IP lists) and its logs.
   *
   * @default - a WebACL with the default rules of `WebAclRules`, logs encrypted with `encryptionKey`
   */
  readonly waf?: RegionalWebAclProps;
  /**
   * Put a WAF WebACL in front of the stage. Turn it off only when another WebACL is associated
   * with the stage.
   *
   * @default true
   */
  readonly wafEnabled?: boolean;
  /**
   * How the API is reached: `REGIONAL`, a public regional endpoint, or `PRIVATE`, only from inside
   * a VPC through an interface VPC endpoint for execute-api (`vpcEndpoint`, or one created in
   * `vpc`), with a resource policy that allows `execute-api:Invoke` through that endpoint only.
   *
   * @default apigateway.EndpointType.REGIONAL
   */
  readonly endpointType?: apigateway.EndpointType;
  /**
   * With `PRIVATE`: the interface VPC endpoint for execute-api callers come through (one endpoint
   * can serve every private API of its VPC). Private DNS on the endpoint lets callers in the VPC
   * use the API's ordinary URL.
   *
   * @default - with `PRIVATE`, an endpoint created in `vpc` (in `vpcSubnets`), HTTPS from the VPC's range, private DNS on
   */
  readonly vpcEndpoint?: ec2.IInterfaceVpcEndpoint;
  /**
   * With `endpointType` PRIVATE and no `vpcEndpoint`, the VPC the execute-api endpoint is created
   * in; a `TracedApi` runs the functions it creates in it too.
   *
   * @default - not in a VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets in `vpc` of the execute-api endpoint (and of the functions a `TracedApi` creates).
   *
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
}
