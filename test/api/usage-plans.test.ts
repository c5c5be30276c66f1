import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { TracedApiUsagePlan } from '../../src/api';
import { keyId, usagePlans } from '../../src/api/private/usage-plans';

function plansOf(settings: TracedApiUsagePlan) {
  const stack = new Stack(new App(), 'S');
  const api = new apigateway.RestApi(stack, 'Api', { deployOptions: { stageName: 'v1' } });
  api.root.addMethod('GET', new apigateway.MockIntegration());
  const stage = api.deploymentStage;
  const encryptionKey = new kms.Key(stack, 'Key');
  const plans = usagePlans(stack, api, stage, settings, { serviceName: 'orders', stageName: 'v1', encryptionKey });
  return { plans, template: Template.fromStack(stack), stack };
}

describe('keyId', () => {
  test('keeps letters and digits only', () => {
    expect(keyId('mobile-app-2')).toBe('mobileapp2');
  });
});

describe('usagePlans', () => {
  test('the shared plan holds the named keys (values by API Gateway) and the consumers without limits of their own', () => {
    const { plans, template } = plansOf({ apiKeyNames: ['partner'], consumers: [{ name: 'web' }], throttle: { rateLimit: 10, burstLimit: 20 } });
    expect(Object.keys(plans.apiKeys).sort()).toEqual(['partner', 'web']);
    expect(plans.consumerPlans).toEqual({});
    template.resourceCountIs('AWS::ApiGateway::UsagePlan', 1);
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', { UsagePlanName: 'orders-v1', Throttle: { RateLimit: 10, BurstLimit: 20 } });
    template.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 2);
    template.hasResourceProperties('AWS::ApiGateway::ApiKey', { Name: 'partner', Value: Match.absent() });
  });

  test('a consumer\'s key is named for the service and stage, its value a reference to an encrypted generated secret', () => {
    const { plans, template, stack } = plansOf({ consumers: [{ name: 'web' }] });
    expect(Object.keys(plans.apiKeySecrets)).toEqual(['web']);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      KmsKeyId: Match.anyValue(),
      GenerateSecretString: { PasswordLength: 40, ExcludePunctuation: true },
    });
    const key = Object.values(template.findResources('AWS::ApiGateway::ApiKey'))[0] as any;
    expect(key.Properties.Name).toBe('orders-v1-web');
    expect(JSON.stringify(stack.resolve(key.Properties.Value))).toContain('{{resolve:secretsmanager:');
  });

  test('a consumer with a quota or a throttle gets a plan of its own, named for it, holding only its key', () => {
    const { plans, template } = plansOf({
      consumers: [{ name: 'batch', quota: { limit: 1000, period: apigateway.Period.DAY } }, { name: 'web' }],
    });
    expect(Object.keys(plans.consumerPlans)).toEqual(['batch']);
    template.resourceCountIs('AWS::ApiGateway::UsagePlan', 2);
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', { UsagePlanName: 'orders-v1-batch', Quota: { Limit: 1000, Period: 'DAY' } });
    const own = Object.entries(template.findResources('AWS::ApiGateway::UsagePlan')).find(([, r]: any) => r.Properties.UsagePlanName === 'orders-v1-batch')![0];
    const keysOfOwn = Object.values(template.findResources('AWS::ApiGateway::UsagePlanKey')).filter((k: any) => k.Properties.UsagePlanId.Ref === own);
    expect(keysOfOwn).toHaveLength(1);
  });
});
