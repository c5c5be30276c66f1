import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ConfigSecret } from '../../src/config';
import { DENY_GRANTS_SID } from '../../src/private/kms-key';

describe('ConfigSecret', () => {
  test('a generated secret encrypted with its own rotating, retained key that grants only to AWS services', () => {
    const stack = new Stack();
    new ConfigSecret(stack, 'SigningKey', { envName: 'SIGNING_KEY_SECRET' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SecretsManager::Secret', { KmsKeyId: Match.anyValue(), GenerateSecretString: Match.anyValue() });
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: { EnableKeyRotation: true, KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: DENY_GRANTS_SID })]) } },
    });
  });

  test('validation names every bad prop', () => {
    const stack = new Stack(new App(), 'Bad');
    expect(() => new ConfigSecret(stack, 'A', { envName: 'lower' })).toThrow(/envName: 'lower' is not an environment variable name/);
    expect(() => new ConfigSecret(stack, 'G', { envName: 'OK', generatedLength: 4 })).toThrow(/generatedLength: 4; allowed: an integer from 16 to 4096 characters/);
    expect(() => new ConfigSecret(stack, 'H', { envName: 'OK', noRotationReason: ' ' })).toThrow(/noRotationReason: ' ' is empty; allowed/);
  });
});
