import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import {
  ContractApi, ContractDocument, ContractImplementation, ContractIntegration, ContractOperation, IContractImplementation, TracedFunction,
} from '../../src/api';
import { ContainerImplementation, FunctionImplementation } from '../../src/api/private/contract-implementations';
import type { ContainerService } from '../../src/compute';

/* eslint-disable @typescript-eslint/no-explicit-any */

const code = () => lambda.Code.fromAsset(path.join(__dirname, 'fixtures', 'handler'));

describe('ContractImplementation.fromFunction', () => {
  test('binds the given function, imported ones included', () => {
    const stack = new Stack(new App(), 'S');
    const fn = lambda.Function.fromFunctionArn(stack, 'F', 'arn:aws:lambda:eu-west-1:123456789012:function:passes');
    const impl = ContractImplementation.fromFunction(fn);
    expect(impl).toBeInstanceOf(FunctionImplementation);
    expect((impl as FunctionImplementation).fn).toBe(fn);
    const bound = impl.bind(stack, { operationId: 'a', method: 'GET', path: '/a', pathParameters: [] });
    expect(bound.integration).toBeInstanceOf(apigateway.LambdaIntegration);
  });

  test('a TracedFunction is accepted as a function', () => {
    const stack = new Stack(new App(), 'S');
    const traced = new TracedFunction(stack, 'Traced', { code: code(), handler: 'index.handler', serviceName: 'passes' });
    expect((ContractImplementation.fromFunction(traced) as FunctionImplementation).fn).toBe(traced);
  });
});

describe('ContractImplementation.fromContainerService', () => {
  test('keeps the service and its options for the binding', () => {
    const stack = new Stack(new App(), 'S');
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 2, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const svc = new Construct(stack, 'Svc') as any;
    svc.cluster = { vpc };
    svc.loadBalancer = new elbv2.ApplicationLoadBalancer(svc, 'LoadBalancer', { vpc });
    const options = { hostName: 'passes.internal.example.com' };
    const impl = ContractImplementation.fromContainerService(svc as ContainerService, options);
    expect(impl).toBeInstanceOf(ContainerImplementation);
    expect((impl as ContainerImplementation).service).toBe(svc);
    expect((impl as ContainerImplementation).options).toBe(options);
  });
});

describe('IContractImplementation of your own', () => {
  const document = ContractDocument.fromObject({
    openapi: '3.0.3',
    info: { title: 'Passes', version: '1' },
    security: [],
    paths: {
      '/passes/{passId}/travellers/{n}': {
        get: { operationId: 'getTraveller', responses: { 200: { description: 'ok' } } },
        delete: { operationId: 'removeTraveller', responses: { 204: { description: 'gone' } } },
      },
    },
  });

  test('is bound once per operation it answers, in the API, with the operation as ContractApi serves it', () => {
    const calls: { scope: Construct; operation: ContractOperation }[] = [];
    const custom: IContractImplementation = {
      bind(scope, operation): ContractIntegration {
        calls.push({ scope, operation });
        return {
          integration: new apigateway.HttpIntegration(`https://backend.example.com${operation.path}`, { httpMethod: operation.method, proxy: true }),
          integrationTarget: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/backend/0123456789abcdef',
          clientCertificateReason: 'The backend authenticates API Gateway by its own means in this test, a reason long enough to be one.',
        };
      },
    };
    const stack = new Stack(new App(), 'S');
    const api = new ContractApi(stack, 'Passes', { document, implementations: { removeTraveller: custom }, wafEnabled: false });
    expect(calls).toHaveLength(1);
    expect(calls[0].scope).toBe(api);
    expect(calls[0].operation).toEqual({
      operationId: 'removeTraveller', method: 'DELETE', path: '/passes/{passId}/travellers/{n}', pathParameters: ['passId', 'n'],
    });
    const template = Template.fromStack(stack);
    const method = template.toJSON().Resources[stack.getLogicalId(api.methods.removeTraveller.node.defaultChild as any)].Properties;
    expect(method.Integration).toMatchObject({
      Type: 'HTTP_PROXY',
      IntegrationHttpMethod: 'DELETE',
      Uri: 'https://backend.example.com/passes/{passId}/travellers/{n}',
      IntegrationTarget: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/backend/0123456789abcdef',
    });
    expect(api.implementedOperations).toEqual(['removeTraveller']);
    expect(api.mockedOperations).toEqual(['getTraveller']);
  });

  test('without an integration target, the method has none', () => {
    const custom: IContractImplementation = { bind: () => ({ integration: new apigateway.MockIntegration() }) };
    const stack = new Stack(new App(), 'S');
    const api = new ContractApi(stack, 'Passes', { document, implementations: { 'GET /passes/{passId}/travellers/{n}': custom }, wafEnabled: false });
    const method = Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(api.methods.getTraveller.node.defaultChild as any)].Properties;
    expect(method.Integration.IntegrationTarget).toBeUndefined();
    expect(method.Integration.Type).toBe('MOCK');
  });
});
