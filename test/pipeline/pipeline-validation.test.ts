import { App, Stack, Stage } from 'aws-cdk-lib';
import { pipelineStack, threeEnvironmentProps } from './fixtures';
import { CompliancePack } from '../../src/compliance';
import { DeliveryEnvironment } from '../../src/pipeline';
import { checkStage, ResolvedPipelineProps, validatePipelineProps } from '../../src/pipeline/private/pipeline-validation';
import { PropsError } from '../../src/private/validation';

const RESOLVED: ResolvedPipelineProps = { synthCommands: ['npx cdk synth'], compliancePacks: [CompliancePack.AWS_SOLUTIONS], cdkOutputDirectory: 'cdk.out' };

function problems(build: () => void): string[] {
  try {
    build();
  } catch (e) {
    expect(e).toBeInstanceOf(PropsError);
    return (e as PropsError).problems.map((p) => p.prop);
  }
  return [];
}

describe('validatePipelineProps', () => {
  test('valid props pass', () => {
    expect(problems(() => validatePipelineProps(pipelineStack(), threeEnvironmentProps(), RESOLVED))).toEqual([]);
  });

  test('every problem is reported at once', () => {
    const props = threeEnvironmentProps({
      environments: [
        { name: 'DEV', account: '222222222222', branch: 'bad branch' },
        { name: 'DEV', account: '1234' },
        { name: 'PROD', account: '444444444444', requireApproval: false },
        { name: 'UAT', account: '333333333333', approvalWaiverReason: 'not here' },
      ],
      approverEmails: ['nobody'],
      subnetSelection: {},
    });
    expect(problems(() => validatePipelineProps(pipelineStack(), props, { ...RESOLVED, synthCommands: [], cdkOutputDirectory: '../out' }))).toEqual([
      'environments[0].branch',
      'environments[1].name', 'environments[1].account',
      'environments[2].requireApproval',
      'environments[3].approvalWaiverReason',
      'synthCommands', 'cdkOutputDirectory', 'approverEmails[0]', 'subnetSelection',
    ]);
  });

  test('a stack without env and an invalid image build are rejected', () => {
    const image = { directory: '/abs', dockerfile: 'Dockerfile', repositoryName: 'Upper', maxImageCount: 0, buildCommands: ['npm run bundle', ' ', 'a\nb'] };
    expect(problems(() => validatePipelineProps(new Stack(new App(), 'S'), threeEnvironmentProps(), { ...RESOLVED, image }))).toEqual([
      'env', 'imageBuild.repositoryName', 'imageBuild.maxImageCount', 'imageBuild.directory',
      'imageBuild.buildCommands[1]', 'imageBuild.buildCommands[2]',
    ]);
  });
});

describe('checkStage', () => {
  const environment = new DeliveryEnvironment({ name: 'DEV', branch: 'dev', account: '222222222222', region: 'eu-west-1', requiresApproval: false });

  test('a stage in the environment\'s account and region passes; another account fails', () => {
    const app = new App();
    const scope = pipelineStack(app);
    expect(problems(() => checkStage(scope, new Stage(app, 'Good', { env: environment.env }), environment))).toEqual([]);
    expect(problems(() => checkStage(scope, new Stage(app, 'Bad', { env: { account: '999999999999', region: 'eu-west-1' } }), environment))).toEqual(['stageFactory']);
    expect(problems(() => checkStage(scope, {} as Stage, environment))).toEqual(['stageFactory']);
  });
});
