import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { Compliance, RuleFamily } from '../../compliance';
import { ApiThrottle, TracedApiUsagePlan } from '../traced-api-route';

/** What `usagePlans` made: the shared plan, each consumer's own plan, the keys and the consumers' secrets, by name. */
export interface UsagePlans {
  readonly plan: apigateway.UsagePlan;
  readonly consumerPlans: { [name: string]: apigateway.UsagePlan };
  readonly apiKeys: { [name: string]: apigateway.IApiKey };
  readonly apiKeySecrets: { [name: string]: secretsmanager.ISecret };
}

/** The construct id part of a key name (validation keeps these distinct). */
export function keyId(name: string): string {
  return name.replace(/[^A-Za-z0-9]/g, '');
}

/**
 * The shared usage plan with the `apiKeyNames` keys and the consumers without limits of their own,
 * and one plan per consumer with its own quota or throttle. A consumer's key value is generated
 * into a secret (the template only holds a dynamic reference to it), so the consumer's service
 * reads it at run time and no key value is ever written down.
 */
export function usagePlans(
  scope: Construct, api: apigateway.RestApi, stage: apigateway.Stage, settings: TracedApiUsagePlan,
  names: { serviceName: string; stageName: string; encryptionKey: kms.IKey },
): UsagePlans {
  const apiStages = [{ api, stage }];
  const planName = `${names.serviceName}-${names.stageName}`;
  const plan = api.addUsagePlan('UsagePlan', { name: planName, quota: settings.quota, throttle: throttle(settings.throttle), apiStages });
  const apiKeys: { [name: string]: apigateway.IApiKey } = {};
  const apiKeySecrets: { [name: string]: secretsmanager.ISecret } = {};
  const consumerPlans: { [name: string]: apigateway.UsagePlan } = {};
  for (const name of settings.apiKeyNames ?? []) {
    const apiKey = api.addApiKey(`ApiKey${keyId(name)}`, { apiKeyName: name });
    plan.addApiKey(apiKey);
    apiKeys[name] = apiKey;
  }
  for (const consumer of settings.consumers ?? []) {
    const id = keyId(consumer.name);
    const secret = new secretsmanager.Secret(scope, `ApiKeySecret${id}`, {
      description: `API key of ${consumer.name} for ${planName} (${scope.node.path})`,
      encryptionKey: names.encryptionKey,
      generateSecretString: { passwordLength: 40, excludePunctuation: true },
    });
    Compliance.acknowledgeFamily(secret.node.defaultChild!, RuleFamily.SECRET_ROTATION,
      `Holds the value of ${consumer.name}'s API key in the usage plan, which API Gateway compares on each request: a rotation is a new key in the plan that the consumer reads on its next start, `
      + 'which no rotation function here performs; replace it by redeploying with a new consumer name. The key meters and throttles the consumer; it does not authenticate users.');
    const apiKey = api.addApiKey(`ApiKey${id}`, {
      apiKeyName: `${planName}-${consumer.name}`,
      value: secret.secretValue.unsafeUnwrap(),
    });
    if (consumer.quota || consumer.throttle) {
      const own = new apigateway.UsagePlan(scope, `UsagePlan${id}`, {
        name: `${planName}-${consumer.name}`, quota: consumer.quota, throttle: throttle(consumer.throttle), apiStages,
      });
      own.addApiKey(apiKey);
      consumerPlans[consumer.name] = own;
    } else {
      plan.addApiKey(apiKey);
    }
    apiKeys[consumer.name] = apiKey;
    apiKeySecrets[consumer.name] = secret;
  }
  return { plan, consumerPlans, apiKeys, apiKeySecrets };
}

function throttle(t: ApiThrottle | undefined): apigateway.ThrottleSettings | undefined {
  return t ? { rateLimit: t.rateLimit, burstLimit: t.burstLimit } : undefined;
}
