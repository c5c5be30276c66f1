import { Stack, Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { Compliance, RuleFamily } from '../../compliance';
import { RouteAuthorization } from '../traced-api-route';

/** The findings a route's method holds by its authorization, each with its reason. */
export function acknowledgeMethod(method: apigateway.Method, authorization: RouteAuthorization, key: string, groups: boolean): void {
  const resource = method.node.defaultChild as IConstruct;
  if (authorization === RouteAuthorization.COGNITO && groups) {
    Compliance.acknowledge(resource, 'AwsSolutions-COG4',
      `Route ${key} requires Cognito groups, which API Gateway's Cognito authorizer cannot check: its Lambda authorizer verifies the same user pool's token (signature against the pool's keys, issuer, expiry) and then the groups.`);
  }
  if (authorization === RouteAuthorization.NONE) {
    const reason = `Route ${key} is declared public (authorization: NONE) on purpose in the route table; WAF rate limits and the stage throttle still apply.`;
    Compliance.acknowledgeFamily(resource, RuleFamily.API_AUTHORIZATION, reason);
  } else if (authorization === RouteAuthorization.IAM) {
    Compliance.acknowledge(resource, 'AwsSolutions-COG4',
      `Route ${key} is authorized with IAM (SigV4-signed requests checked by API Gateway), not with a Cognito user pool.`);
  }
}

/**
 * API Gateway's invoke permission names this API's stage, method and path in SourceArn; with a
 * known account we state SourceAccount too (Control Tower CT.LAMBDA.PR.2 reads only literals).
 */
export function scopeInvokePermissions(method: IConstruct, key: string): void {
  const account = Stack.of(method).account;
  for (const child of method.node.findAll()) {
    if (!(child instanceof lambda.CfnPermission)) continue;
    if (!Token.isUnresolved(account)) {
      child.sourceAccount = account;
    } else {
      Compliance.acknowledge(child, 'lambda_function_public_access_prohibited_check',
        `Only API Gateway may invoke, and SourceArn limits it to this API's stage and route ${key}; the offline check cannot read the account of an environment-agnostic stack (SourceAccount is set when the stack has an account).`);
    }
  }
}

/** CORS preflights reach no function or data: they need no authorization. */
export function acknowledgePreflight(api: apigateway.RestApi): void {
  for (const child of api.node.findAll()) {
    if (child instanceof apigateway.Method && child.httpMethod === 'OPTIONS') {
      const reason = 'CORS preflight (OPTIONS) answered by a mock integration: browsers send it without credentials by specification, and it reaches no function or data.';
      Compliance.acknowledgeFamily(child.node.defaultChild!, RuleFamily.API_AUTHORIZATION, reason);
    }
  }
}

/** The stage settings left off by design: execution logging (unless turned on), cache, client certificate. */
export function acknowledgeStage(
  apiStage: apigateway.Stage, executionLogLevel: apigateway.MethodLoggingLevel, clientCertificateReason?: string,
): void {
  const stage = apiStage.node.defaultChild as IConstruct;
  if (executionLogLevel === apigateway.MethodLoggingLevel.OFF) {
    const reason = 'Execution logging is off by default: it can write request data to logs, and it needs the region-wide API Gateway account role that one API must not own. Every request is recorded in the JSON access log (caller, route, status, latency, X-Ray trace id, WAF status); set executionLogLevel to turn it on.';
    Compliance.acknowledgeFamily(stage, RuleFamily.API_EXECUTION_LOGGING, reason);
  }
  const cacheReason = 'No stage cache: responses are per caller and change with every write, so a cache keyed on the URL could serve one caller\'s data to another; DynamoDB answers in milliseconds at any scale.';
  Compliance.acknowledgeFamily(stage, RuleFamily.API_CACHE, cacheReason);
  const certReason = clientCertificateReason ?? 'Client certificates authenticate API Gateway to HTTP backends; every integration here is a Lambda proxy invoked through the Lambda API with IAM, where a client certificate has no role.';
  Compliance.acknowledgeFamily(stage, RuleFamily.API_CLIENT_CERTIFICATE, certReason);
}
