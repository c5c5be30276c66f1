import { App, Aws, Stack, Token } from 'aws-cdk-lib';
import { PropsError } from '../../src/private/validation';
import { validateNamedQuery, workGroupConfiguration } from '../../src/stream/private/athena';

const scope = () => new Stack(new App(), 'S');

describe('workGroupConfiguration', () => {
  test('enforced, with metrics, the scan cutoff, the engine and results encrypted with the given key', () => {
    const config = workGroupConfiguration({ cutoff: 20_000_000, engineVersion: 'Athena engine version 3', resultsBucketName: 'results', encryptionKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/k' });
    expect(config).toEqual({
      enforceWorkGroupConfiguration: true,
      publishCloudWatchMetricsEnabled: true,
      bytesScannedCutoffPerQuery: 20_000_000,
      engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
      resultConfiguration: {
        outputLocation: 's3://results/results/',
        expectedBucketOwner: Aws.ACCOUNT_ID,
        encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: 'arn:aws:kms:eu-west-1:123456789012:key/k' },
      },
    });
  });
});

describe('validateNamedQuery', () => {
  const problems = (f: () => void): string[] => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(PropsError);
      return (e as PropsError).problems.map((p) => p.prop);
    }
    return [];
  };

  test('a valid query passes', () => {
    expect(() => validateNamedQuery(scope(), 'daily', 'SELECT 1', 'a query', false)).not.toThrow();
    expect(() => validateNamedQuery(scope(), 'x'.repeat(128), 'x'.repeat(262_144), 'd'.repeat(1024), false)).not.toThrow();
  });

  test('every problem is reported in one error', () => {
    const s = scope();
    expect(problems(() => validateNamedQuery(s, '', '   ', 'd'.repeat(1025), true))).toEqual(['name', 'name', 'sql', 'description']);
  });

  test.each([
    ['a too long name', () => validateNamedQuery(scope(), 'x'.repeat(129), 'SELECT 1', undefined, false), /name: 'x+' has 129 characters; allowed: 1-128/],
    ['a taken name', () => validateNamedQuery(scope(), 'daily', 'SELECT 1', undefined, true), /name: 'daily' is already a named query of this archive; allowed: a unique name/],
    ['blank SQL', () => validateNamedQuery(scope(), 'q', ' \n', undefined, false), /sql: 2 characters \(blank\); allowed: 1-262144 characters of SQL/],
    ['too long SQL', () => validateNamedQuery(scope(), 'q', 'x'.repeat(262_145), undefined, false), /sql: 262145 characters; allowed/],
    ['a too long description', () => validateNamedQuery(scope(), 'q', 'SELECT 1', 'd'.repeat(1025), false), /description: 1025 characters; allowed: at most 1024/],
  ])('%s', (_what, f, message) => {
    expect(f).toThrow(message);
    expect(f).toThrow(/EventArchive/);
  });

  test('tokens are not checked', () => {
    const s = scope();
    const token = Token.asString({ Ref: 'X' });
    expect(() => validateNamedQuery(s, token, token, token, false)).not.toThrow();
  });
});
