/**
 * The cat-and-hat compositor app: the delivery pipeline (DEV, UAT, PROD with approval before PROD)
 * and one stage (recovery copies, network, data, assets, private API and worker, front end,
 * monitoring) in the account and region of your credentials (environment-agnostic without them).
 * Settings come from cdk.json's context.
 *
 *   cd examples/images
 *   npx cdk deploy 'Images/*'             # straight to the account and region of your credentials
 *   npx cdk deploy ImagesPipeline         # the pipeline (then push to dev / uat / main)
 */
import { App } from 'aws-cdk-lib';
import { buildImagesApp } from './images-app';
import { Compliance } from '../../src/compliance';
import { DeliveryPipeline } from '../../src/pipeline';

const app = new App();
// Inside the pipeline's synth step, DeliveryPipeline registers the compliance gate's packs itself.
if (!process.env[DeliveryPipeline.COMPLIANCE_GATE_VARIABLE]) Compliance.of(app).enable();
buildImagesApp(app);
app.synth();
