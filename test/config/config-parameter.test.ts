import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ConfigParameter, ConfigParameterType } from '../../src/config';

describe('ConfigParameter', () => {
  test('a JSON value is stored as a String parameter under the given name', () => {
    const stack = new Stack();
    new ConfigParameter(stack, 'Rules', { envName: 'PASS_RULES_PARAM', valueType: ConfigParameterType.JSON, value: '{"maxHours":4}', parameterName: '/passes/rules' });
    Template.fromStack(stack).hasResourceProperties('AWS::SSM::Parameter', { Name: '/passes/rules', Type: 'String', Value: '{"maxHours":4}' });
  });

  test('validation names every bad prop', () => {
    const stack = new Stack(new App(), 'Bad');
    expect(() => new ConfigParameter(stack, 'A', { envName: 'lower', value: 'x' })).toThrow(/envName: 'lower' is not allowed/);
    expect(() => new ConfigParameter(stack, 'B', { envName: 'AWS_REGION_PARAM', value: 'x' })).toThrow(/envName: 'AWS_REGION_PARAM'/);
    expect(() => new ConfigParameter(stack, 'C', { envName: 'OK', valueType: ConfigParameterType.JSON, value: '{nope' })).toThrow(/value: not JSON/);
    expect(() => new ConfigParameter(stack, 'D', { envName: 'OK', value: '' })).toThrow(/value: empty/);
    expect(() => new ConfigParameter(stack, 'E', { envName: 'OK', value: 'x'.repeat(5000) })).toThrow(/value: 5000 bytes/);
    expect(() => new ConfigParameter(stack, 'F', { envName: 'OK', value: 'x', parameterName: 'bad name' })).toThrow(/parameterName: 'bad name'/);
  });
});
