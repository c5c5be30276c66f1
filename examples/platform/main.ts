/**
 * The microservice platform app: one stage in the account and region of your credentials
 * (environment-agnostic without them).
 *
 *   cd examples/platform
 *   npx cdk deploy 'Platform/*'
 */
import { App } from 'aws-cdk-lib';
import { PlatformStage } from './platform-stage';
import { Compliance } from '../../src/compliance';
import { callerEnvironment } from '../shared/stack';

const app = new App();
Compliance.of(app).enable();
new PlatformStage(app, 'Platform', { env: callerEnvironment() });
app.synth();
