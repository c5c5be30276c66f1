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
    expect(() => new ConfigParameter(stack, 'A', { envName: 'lower', value: 'x' })).toThrow(/envName: 'lower' is not an environment variable name; allowed: A-Z 0-9 _/);
    expect(() => new ConfigParameter(stack, 'B', { envName: 'AWS_REGION_PARAM', value: 'x' })).toThrow(/envName: 'AWS_REGION_PARAM'/);
    expect(() => new ConfigParameter(stack, 'C', { envName: 'OK', valueType: ConfigParameterType.JSON, value: '{nope' })).toThrow(/value: '\{nope' is not JSON .*; allowed: a JSON document/);
    expect(() => new ConfigParameter(stack, 'D', { envName: 'OK', value: '' })).toThrow(/value: '' is empty; allowed/);
    expect(() => new ConfigParameter(stack, 'E', { envName: 'OK', value: 'x'.repeat(5000) })).toThrow(/value: 'x+…' \(5000 characters\) is 5000 bytes; allowed: at most 4096 bytes/);
    expect(() => new ConfigParameter(stack, 'F', { envName: 'OK', value: 'x', parameterName: 'bad name' })).toThrow(/parameterName: 'bad name'/);
    expect(() => new ConfigParameter(stack, 'G', { envName: 'OK', value: 'x', parameterName: '/aws/mine' })).toThrow(/parameterName: '\/aws\/mine'; allowed: a name not starting with 'aws' or 'ssm'/);
    expect(() => new ConfigParameter(stack, 'H', { envName: 'OK', value: 'abc', allowedPattern: '^[0-9]+$' })).toThrow(/value: 'abc' does not match allowedPattern; allowed: a value matching allowedPattern '\^\[0-9\]\+\$'/);
    expect(() => new ConfigParameter(stack, 'I', { envName: 'OK', value: '1', allowedPattern: '([' })).toThrow(/allowedPattern: '\(\[' is not a regular expression/);
    expect(() => new ConfigParameter(stack, 'J', { envName: 'OK', value: '12', allowedPattern: '^[0-9]+$' })).not.toThrow();
  });
});
