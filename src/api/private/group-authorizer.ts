import { join as joinPath } from 'path';
import { Duration } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { routeKey } from './routes';
import type { TracedApiProps } from '../traced-api';
import { TracedApiRoute } from '../traced-api-route';
import { TracedFunction } from '../traced-function';

/** What the group authorizer's function shares with the API's route functions. */
export interface GroupAuthorizerSettings {
  readonly serviceName: string;
  readonly accountConcurrency: number;
  readonly encryptionKey: kms.IKey;
}

/** The function of the group authorizer: the bundled handler, configured with each guarded route's groups and scopes. */
export function groupAuthorizerFunction(
  scope: Construct, routes: TracedApiRoute[], props: TracedApiProps, settings: GroupAuthorizerSettings,
): TracedFunction {
  const rules: { [routeKey: string]: { groups: string[]; scopes?: string[] } } = {};
  for (const route of routes) {
    rules[routeKey(route.method, route.path)] = {
      groups: route.requiredGroups!,
      ...(route.authorizationScopes?.length ? { scopes: route.authorizationScopes } : {}),
    };
  }
  return new TracedFunction(scope, 'GroupAuthorizerFunction', {
    code: lambda.Code.fromAsset(joinPath(__dirname, '..', '..', '..', 'assets', 'api', 'group-authorizer.lambda')),
    handler: 'index.handler',
    serviceName: settings.serviceName,
    metricsNamespace: props.metricsNamespace,
    description: `Checks the Cognito token and groups of ${settings.serviceName}'s group routes`,
    memorySize: 256,
    timeout: Duration.seconds(10),
    encryptionKey: settings.encryptionKey,
    logRetention: props.logRetention,
    vpc: props.vpc,
    vpcSubnets: props.vpcSubnets,
    accountConcurrency: settings.accountConcurrency,
    environment: {
      RAMPART_USER_POOL_ID: props.userPool!.userPoolId,
      RAMPART_ROUTE_RULES: JSON.stringify(rules),
    },
    synchronousInvocationReason: 'Invoked synchronously by API Gateway as the REQUEST authorizer of the group routes; a failure is an answer (401/403/500) to the caller, never a lost event.',
    concurrencyReason: 'API Gateway invokes it only for requests to the group routes, within the API stage throttle (rate and burst), and caches its answers per token.',
  });
}
