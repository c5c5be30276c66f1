/** The synth floor: an app that imports aws-cdk-lib, holds one empty stack and synthesizes. */
import { App, Stack } from 'aws-cdk-lib';

const app = new App();
new Stack(app, 'Empty');
app.synth();
