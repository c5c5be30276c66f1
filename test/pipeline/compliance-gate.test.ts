import { App, Stack, Validations } from 'aws-cdk-lib';
import { CompliancePack } from '../../src/compliance';
import { COMPLIANCE_GATE_VARIABLE, enableComplianceGate } from '../../src/pipeline/private/compliance-gate';
import { PropsError } from '../../src/private/validation';

afterEach(() => {
  delete process.env[COMPLIANCE_GATE_VARIABLE];
});

describe('compliance gate', () => {
  test('the variable is RAMPART_COMPLIANCE_GATE', () => {
    expect(COMPLIANCE_GATE_VARIABLE).toBe('RAMPART_COMPLIANCE_GATE');
  });

  test('outside the pipeline nothing is registered', () => {
    const app = new App();
    const spy = jest.spyOn(Object.getPrototypeOf(Validations.of(app)), 'addPlugins');
    enableComplianceGate(new Stack(app, 'S'));
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });

  test('in the synth step the packs are registered on the app once', () => {
    process.env[COMPLIANCE_GATE_VARIABLE] = ` ${CompliancePack.AWS_SOLUTIONS} ,`;
    const app = new App();
    const validations = Validations.of(app);
    const spy = jest.spyOn(Object.getPrototypeOf(validations), 'addPlugins');
    enableComplianceGate(new Stack(app, 'A'));
    enableComplianceGate(new Stack(app, 'B'));
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  });

  test.each(['', ' , ', 'NoSuchPack'])('an unknown or empty pack list %p fails with the variable named', (value) => {
    process.env[COMPLIANCE_GATE_VARIABLE] = value === '' ? ',' : value;
    let error: unknown;
    try {
      enableComplianceGate(new Stack(new App(), 'S'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PropsError);
    expect((error as PropsError).problems.map((p) => p.prop)).toEqual([COMPLIANCE_GATE_VARIABLE]);
  });
});
