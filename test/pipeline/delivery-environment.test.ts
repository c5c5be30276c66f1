import { DeliveryConfigKind, DeliveryConfigValue, DeliveryEnvironment } from '../../src/pipeline';

function environment(config: Record<string, DeliveryConfigValue> = {}): DeliveryEnvironment {
  return new DeliveryEnvironment({ name: 'UAT', branch: 'uat', account: '333333333333', region: 'eu-west-1', requiresApproval: false, config });
}

describe('DeliveryEnvironment', () => {
  test('env is the account and region a stage deploys to', () => {
    expect(environment().env).toEqual({ account: '333333333333', region: 'eu-west-1' });
  });

  test('typed configuration values, with defaults for absent keys', () => {
    const e = environment({ initialCount: DeliveryConfigValue.fromNumber(100), label: DeliveryConfigValue.fromString('uat'), featureOn: DeliveryConfigValue.fromBoolean(true) });
    expect(e.numberValue('initialCount')).toBe(100);
    expect(e.stringValue('label')).toBe('uat');
    expect(e.booleanValue('featureOn')).toBe(true);
    expect(e.numberValue('missing', 7)).toBe(7);
  });

  test('an absent key without default, and a value of the wrong type, name the key', () => {
    const e = environment({ initialCount: DeliveryConfigValue.fromString('100') });
    expect(() => e.numberValue('missing')).toThrow(/config\.missing: not set; allowed: .*known keys: initialCount/);
    expect(() => e.numberValue('initialCount')).toThrow(/config\.initialCount: "100" \(string\); allowed: a number/);
  });

  test('the image tag comes from the pipeline\'s synth step, else the local tag', () => {
    const previous = process.env[DeliveryEnvironment.IMAGE_TAG_VARIABLE];
    try {
      delete process.env[DeliveryEnvironment.IMAGE_TAG_VARIABLE];
      expect(environment().imageTag).toBe(DeliveryEnvironment.LOCAL_IMAGE_TAG);
      process.env[DeliveryEnvironment.IMAGE_TAG_VARIABLE] = 'abc1234';
      expect(environment().imageTag).toBe('abc1234');
    } finally {
      if (previous === undefined) delete process.env[DeliveryEnvironment.IMAGE_TAG_VARIABLE];
      else process.env[DeliveryEnvironment.IMAGE_TAG_VARIABLE] = previous;
    }
  });

  test('config is a copy: changing the given object later changes nothing', () => {
    const config: Record<string, DeliveryConfigValue> = { initialCount: DeliveryConfigValue.fromNumber(1) };
    const e = environment(config);
    config.initialCount = DeliveryConfigValue.fromNumber(2);
    expect(e.numberValue('initialCount')).toBe(1);
  });

  test('a DeliveryConfigValue says what it holds and prints as JSON', () => {
    expect([DeliveryConfigValue.fromString('shop'), DeliveryConfigValue.fromNumber(3), DeliveryConfigValue.fromBoolean(false)].map((v) => [v.kind, v.toJson()]))
      .toEqual([[DeliveryConfigKind.STRING, '"shop"'], [DeliveryConfigKind.NUMBER, '3'], [DeliveryConfigKind.BOOLEAN, 'false']]);
  });
});
