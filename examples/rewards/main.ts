/**
 * The rewards platform app: the delivery pipeline (DEV, UAT, PROD with approval before PROD) and a
 * stage to deploy straight to your own account without it. Settings come from cdk.json's context.
 *
 *   cd examples/rewards
 *   npx cdk deploy 'Rewards/*'            # straight to the account and region of your credentials
 *   npx cdk deploy RewardsPipeline        # the pipeline (then push to dev / uat / main)
 */
import { App } from 'aws-cdk-lib';
import { buildRewardsApp } from './rewards-app';
import { Compliance } from '../../src/compliance';
import { DeliveryPipeline } from '../../src/pipeline';

const app = new App();
// Inside the pipeline's synth step, DeliveryPipeline registers the compliance gate's packs itself.
if (!process.env[DeliveryPipeline.COMPLIANCE_GATE_VARIABLE]) Compliance.of(app).enable();
buildRewardsApp(app);
app.synth();
