import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PlatformStage } from '../../examples/platform/platform-stage';
import { COMPOSED_OPERATIONS, PLATFORM_SERVICES } from '../../examples/platform/system';
import { expectCompliant } from '../support/compliance';

/** The platform's stacks: the contract's API, one snapshot per stack, compliance of the stage. */

let stage: PlatformStage;
let template: Template;
let foundation: Template;
let dependencies: Template;
beforeAll(() => {
  stage = new PlatformStage(new App(), 'Platform');
  template = Template.fromStack(stage.contract);
  foundation = Template.fromStack(stage.foundation);
  dependencies = Template.fromStack(stage.dependencies);
});

/** The CloudFormation method of an operation. */
const methodOf = (operationId: string): any => {
  const id = stage.contract.getLogicalId(stage.contract.api.methods[operationId].node.defaultChild as any);
  return template.toJSON().Resources[id].Properties;
};

describe('PlatformContract stack', () => {
  test('every operation of the contract belongs to one service (or is composed), and every service has a health check', () => {
    const owned = Object.values(PLATFORM_SERVICES).flatMap((s) => [...s.operations, s.healthOperation]);
    const all = [...owned, ...COMPOSED_OPERATIONS];
    expect(new Set(all).size).toBe(all.length);
    expect([...all].sort()).toEqual(Object.keys(stage.contract.api.methods).sort());
  });

  test('with no service deployed yet, every operation answers the contract\'s example (a mock integration)', () => {
    expect(stage.contract.api.implementedOperations).toEqual([]);
    expect(stage.contract.api.mockedOperations).toHaveLength(Object.keys(stage.contract.api.methods).length);
    const overview = methodOf('getAccountOverview');
    expect(overview.Integration.Type).toBe('MOCK');
    expect(JSON.stringify(overview.Integration.IntegrationResponses)).toContain('Ada Lovelace');
  });

  test('signed (IAM) operations, public health checks, request validation from the contract', () => {
    expect(methodOf('openAccount').AuthorizationType).toBe('AWS_IAM');
    expect(methodOf('getAccountOverview').AuthorizationType).toBe('AWS_IAM');
    for (const service of Object.values(PLATFORM_SERVICES)) expect(methodOf(service.healthOperation).AuthorizationType).toBe('NONE');
    expect(methodOf('openAccount').RequestValidatorId).toBeDefined();
    expect(methodOf('openAccount').RequestModels['application/json']).toBeDefined();
    expect(methodOf('getAccount').RequestParameters).toEqual({ 'method.request.path.accountId': true });
  });

  test('snapshot', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });
});

describe('PlatformFoundation stack', () => {
  test('snapshot', () => {
    expect(foundation.toJSON()).toMatchSnapshot();
  });
});

describe('PlatformDependencies stack', () => {
  test('one Aurora PostgreSQL cluster, backed up, behind a proxy; one migration run per service, each with its own table, one after another', () => {
    dependencies.resourceCountIs('AWS::RDS::DBCluster', 1);
    dependencies.hasResourceProperties('AWS::RDS::DBCluster', { Engine: 'aurora-postgresql', StorageEncrypted: true, DatabaseName: 'platform' });
    dependencies.resourceCountIs('AWS::RDS::DBProxy', 1);
    const resources = dependencies.toJSON().Resources as Record<string, any>;
    const ids = Object.values(stage.dependencies.migrations).map((m) => stage.dependencies.getLogicalId(m.resource.node.defaultChild as any));
    expect(ids.map((id) => resources[id].Properties.Table)).toEqual(Object.keys(PLATFORM_SERVICES).map((s) => `${s}_migrations`));
    ids.slice(1).forEach((id, i) => expect(resources[id].DependsOn).toContain(ids[i]));
  });

  test('snapshot', () => {
    expect(dependencies.toJSON()).toMatchSnapshot();
  });
});

test('the stage passes every compliance pack', () => {
  expectCompliant(stage);
});
