import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { TracedFunction } from '../../src/api';

const code = () => lambda.Code.fromAsset(path.join(__dirname, '..', 'api', 'fixtures', 'handler'));

/** The acknowledged rule ids of one construct and their reasons, from the metadata CDK records. */
function acknowledged(scope: IConstruct): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of scope.node.metadata) {
    if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
    for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) out.set(id, reason);
  }
  return out;
}

function concurrencyReasons(props: Partial<ConstructorParameters<typeof TracedFunction>[2]> = {}): string[] {
  const stack = new Stack(new App(), 'Fn');
  const fn = new TracedFunction(stack, 'Fn', { code: code(), handler: 'index.handler', serviceName: 'work', ...props });
  const acks = acknowledged(fn.function.node.defaultChild!);
  return ['NIST.800.53.R5::NIST.800.53.R5-LambdaConcurrency', 'HIPAA.Security::HIPAA.Security-LambdaConcurrency'].map((id) => acks.get(id) ?? '<none>');
}

describe('the reason a function without reserved concurrency gives', () => {
  test('a function behind API Gateway names the stage throttle', () => {
    for (const reason of concurrencyReasons()) expect(reason).toMatch(/API stage throttle \(rate and burst\) bounds/);
  });

  test('an event-driven function never claims the API stage throttle', () => {
    for (const reason of concurrencyReasons({ synchronousInvocationReason: 'Invoked by an SQS event source mapping.' })) {
      expect(reason).not.toMatch(/throttle/);
      expect(reason).toMatch(/concurrencyReason to say what bounds it/);
    }
  });

  test('concurrencyReason is written into the acknowledgement', () => {
    const bound = 'the queue\'s event source runs at most 5 instances at once (its maximum concurrency).';
    for (const reason of concurrencyReasons({ synchronousInvocationReason: 'Invoked by an SQS event source mapping.', concurrencyReason: bound })) {
      expect(reason).toBe(`No reserved concurrency: ${bound} Set reservedConcurrentExecutions to cap it.`);
    }
  });

  test('a reservation needs no acknowledgement, and a blank concurrencyReason is refused', () => {
    expect(concurrencyReasons({ reservedConcurrentExecutions: 5 })).toEqual(['<none>', '<none>']);
    expect(() => concurrencyReasons({ concurrencyReason: '  ' })).toThrow(/concurrencyReason/);
  });
});
