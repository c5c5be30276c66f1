import { RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeStage } from './acknowledgements';
import { ACCESS_LOG_FORMAT, addGatewayResponses } from './gateway-responses';
import { endpointConfiguration, executeApiEndpoint, privateApiPolicy } from './private-endpoint';
import { secureKey } from '../../private/kms-key';
import { RegionalWebAcl, RegionalWebAclProps } from '../../waf/regional-web-acl';
import { ApiThrottle } from '../traced-api-route';

/** What every REST API of this library is made with (`TracedApi`, `ContractApi`), after defaults. */
export interface RestGatewaySettings {
  readonly serviceName: string;
  readonly stageName: string;
  readonly throttle: ApiThrottle;
  readonly executionLogLevel: apigateway.MethodLoggingLevel;
  readonly logRetention: logs.RetentionDays;
  readonly endpointType: apigateway.EndpointType;
  readonly encryptionKey?: kms.IKey;
  readonly cors?: apigateway.CorsOptions;
  readonly vpc?: ec2.IVpc;
  readonly vpcSubnets?: ec2.SubnetSelection;
  readonly vpcEndpoint?: ec2.IInterfaceVpcEndpoint;
  /** The stage's per-method settings (route throttles). */
  readonly methodOptions?: { [path: string]: apigateway.MethodDeploymentOptions };
  /** The description of a key created here. */
  readonly keyDescription: string;
}

/** The parts of a REST API made by `restGateway`. */
export interface RestGateway {
  readonly api: apigateway.RestApi;
  readonly stage: apigateway.Stage;
  readonly accessLogGroup: logs.LogGroup;
  readonly encryptionKey: kms.IKey;
  readonly requestValidator: apigateway.RequestValidator;
  readonly vpcEndpoint?: ec2.IInterfaceVpcEndpoint;
}

/**
 * A REST API with the library's defaults: the execute-api endpoint of a PRIVATE API, a key, JSON
 * access logs to an encrypted retained log group, X-Ray and the stage throttle, no account role,
 * a validator of bodies and parameters, and JSON gateway errors (CORS-aware). Construct ids are
 * the ones `TracedApi` has always had, so its templates stay as they were.
 */
export function restGateway(scope: Construct, s: RestGatewaySettings): RestGateway {
  const vpcEndpoint = s.endpointType === apigateway.EndpointType.PRIVATE
    ? executeApiEndpoint(scope, s.vpc, s.vpcSubnets, s.vpcEndpoint)
    : undefined;
  const encryptionKey = s.encryptionKey ?? secureKey(scope, 'Key', { description: s.keyDescription, forLogs: true });
  const accessLogGroup = new logs.LogGroup(scope, 'AccessLogs', {
    retention: s.logRetention,
    encryptionKey,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const api = new apigateway.RestApi(scope, 'Api', {
    restApiName: s.serviceName,
    description: `${s.serviceName} (${scope.node.path})`,
    endpointConfiguration: endpointConfiguration(s.endpointType, vpcEndpoint),
    policy: vpcEndpoint ? privateApiPolicy(vpcEndpoint) : undefined,
    // The account-wide API Gateway role is a region singleton; an API must not create or own it.
    cloudWatchRole: false,
    defaultCorsPreflightOptions: s.cors,
    deployOptions: {
      stageName: s.stageName,
      tracingEnabled: true,
      accessLogDestination: new apigateway.LogGroupLogDestination(accessLogGroup),
      accessLogFormat: apigateway.AccessLogFormat.custom(ACCESS_LOG_FORMAT),
      loggingLevel: s.executionLogLevel,
      dataTraceEnabled: false,
      metricsEnabled: true,
      throttlingRateLimit: s.throttle.rateLimit,
      throttlingBurstLimit: s.throttle.burstLimit,
      methodOptions: s.methodOptions,
    },
  });
  const requestValidator = api.addRequestValidator('Validator', {
    requestValidatorName: 'body-and-parameters',
    validateRequestBody: true,
    validateRequestParameters: true,
  });
  addGatewayResponses(api, s.cors);
  return { api, stage: api.deploymentStage, accessLogGroup, encryptionKey, requestValidator, vpcEndpoint };
}

/** What `protectRestGateway` is given. */
export interface RestGatewayProtection {
  readonly wafEnabled: boolean;
  readonly waf?: RegionalWebAclProps;
  readonly executionLogLevel: apigateway.MethodLoggingLevel;
  /** Why the stage has no client certificate (the integrations it has). */
  readonly clientCertificateReason?: string;
}

/** The WAF WebACL in front of the stage (unless turned off) and the stage's acknowledgements. */
export function protectRestGateway(scope: Construct, gateway: RestGateway, p: RestGatewayProtection): RegionalWebAcl | undefined {
  let webAcl: RegionalWebAcl | undefined;
  if (p.wafEnabled) {
    webAcl = new RegionalWebAcl(scope, 'WebAcl', { logEncryptionKey: gateway.encryptionKey, ...p.waf });
    webAcl.associate('StageAssociation', gateway.stage.stageArn);
  }
  acknowledgeStage(gateway.stage, p.executionLogLevel, p.clientCertificateReason);
  return webAcl;
}
