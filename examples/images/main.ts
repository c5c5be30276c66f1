/**
 * The cat-and-hat compositor app: one stage (recovery copies, network, data, assets, private API
 * and worker, front end, monitoring) in the account and region of your credentials
 * (environment-agnostic without them). Settings come from cdk.json's context.
 *
 *   cd examples/images
 *   npx cdk deploy 'Images/*'
 */
import { App } from 'aws-cdk-lib';
import { buildImagesApp } from './images-app';
import { Compliance } from '../../src/compliance';

const app = new App();
Compliance.of(app).enable();
buildImagesApp(app);
app.synth();
