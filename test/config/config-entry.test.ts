import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { TracedFunction } from '../../src/api';
import { ConfigParameter, ConfigParameterType, ConfigSecret } from '../../src/config';
import { expectCompliant } from '../support/compliance';

const code = () => lambda.Code.fromAsset(path.join(__dirname, '..', 'api', 'fixtures', 'handler'));

function fixture(app = new App()) {
  const stack = new Stack(app, 'Config');
  const fn = new TracedFunction(stack, 'Reader', { code: code(), handler: 'index.handler', serviceName: 'passes' });
  const rules = new ConfigParameter(stack, 'Rules', { envName: 'PASS_RULES_PARAM', valueType: ConfigParameterType.JSON, value: '{"maxHours":4}', parameterName: '/passes/rules' });
  const districts = new ConfigParameter(stack, 'Districts', { envName: 'DISTRICTS_PARAM', valueType: ConfigParameterType.STRING_LIST, value: 'north, south' });
  const signingKey = new ConfigSecret(stack, 'SigningKey', { envName: 'SIGNING_KEY_SECRET' });
  for (const entry of [rules, districts, signingKey]) entry.bind(fn.function);
  return { stack, fn };
}

describe('IConfigEntry: parameters and secrets bound to a function', () => {
  test('parameters and secrets are granted to the function, their names passed as environment variables', () => {
    const { stack } = fixture();
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::SSM::Parameter', { Name: '/passes/rules', Type: 'String', Value: '{"maxHours":4}' });
    t.hasResourceProperties('AWS::SSM::Parameter', { Type: 'StringList', Value: 'north,south' });
    t.hasResourceProperties('AWS::SecretsManager::Secret', { KmsKeyId: Match.anyValue(), GenerateSecretString: Match.objectLike({ PasswordLength: 32 }) });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          PASS_RULES_PARAM: { Ref: Match.anyValue() },
          DISTRICTS_PARAM: { Ref: Match.anyValue() },
          SIGNING_KEY_SECRET: Match.anyValue(),
        }),
      },
    });
    const policy = JSON.stringify(Object.values(t.findResources('AWS::IAM::ManagedPolicy')).map((p) => p.Properties.PolicyDocument));
    expect(policy).toContain('ssm:GetParameter');
    expect(policy).toContain('secretsmanager:GetSecretValue');
    // The secret's key lets the function's role decrypt through its key policy.
    const keys = JSON.stringify(t.findResources('AWS::KMS::Key'));
    expect(keys).toMatch(/"kms:Decrypt".*ReaderRole/);
  });

  test('a function with its configuration passes every compliance pack', () => {
    const { stack } = fixture();
    expectCompliant(stack);
  });
});
