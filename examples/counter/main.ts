/**
 * The camera counter app: the delivery pipeline (DEV, UAT, PROD with approval before PROD) and a
 * stage to deploy straight to your own account without it. Settings come from cdk.json's context.
 *
 *   cd examples/counter
 *   npx cdk deploy 'Counter/*'            # straight to the account and region of your credentials
 *   npx cdk deploy CounterPipeline        # the pipeline (then push to dev / uat / main)
 */
import { App } from 'aws-cdk-lib';
import { CounterPipelineStack } from './counter-pipeline-stack';
import { CounterStage } from './counter-stage';
import { Compliance } from '../../src/compliance';
import { DeliveryPipeline } from '../../src/pipeline';

const app = new App();
// Inside the pipeline, DeliveryPipeline registers the compliance gate's packs itself.
if (!process.env[DeliveryPipeline.COMPLIANCE_GATE_VARIABLE]) Compliance.of(app).enable();

interface PipelineSettings {
  readonly account: string;
  readonly region: string;
  readonly connectionArn: string;
  readonly repository: string;
  readonly approverEmails?: string[];
}
interface EnvironmentSettings {
  readonly account: string;
  readonly region: string;
  readonly startValue?: number;
}

function context<T>(key: string): T {
  const value = app.node.tryGetContext(key);
  if (value === undefined) throw new Error(`cdk.json: context '${key}' is missing (see examples/counter/README.md)`);
  return value as T;
}

const pipeline = context<PipelineSettings>('counter:pipeline');
const environments = context<Record<string, EnvironmentSettings>>('counter:environments');

new CounterPipelineStack(app, 'CounterPipeline', {
  env: { account: pipeline.account, region: pipeline.region },
  connectionArn: pipeline.connectionArn,
  repository: pipeline.repository,
  approverEmails: pipeline.approverEmails,
  environments: Object.entries(environments).map(([name, e]) => ({
    name,
    account: e.account,
    region: e.region,
    config: e.startValue === undefined ? {} : { startValue: e.startValue },
  })),
  description: 'Camera counter: delivery pipelines of DEV, UAT and PROD',
});

// Straight to your own account: the account and region of your AWS credentials (environment-agnostic without them).
new CounterStage(app, 'Counter', {
  env: process.env.CDK_DEFAULT_ACCOUNT ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION } : undefined,
  startValue: app.node.tryGetContext('counter:startValue'),
});

app.synth();
