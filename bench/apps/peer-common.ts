/**
 * What the three peer apps share: the app (with the AwsSolutions pack when BENCH_PACKS=aws-solutions),
 * one stack in us-east-1 (CloudFront WebACLs live there, so every peer can use a plain WebACL), and
 * the handler code of the one traced route (a bundled example handler).
 */
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Compliance, CompliancePack } from '../../src/compliance';

/** bench/apps/ (or bench/out/js/bench/apps/ when compiled) → the repository's build/ (linked next to the compiled tree). */
const HANDLER_DIR = path.resolve(__dirname, '..', '..', 'build', 'examples', 'counter', 'handlers', 'get-counter');

export function peerApp(): { app: App; stack: Stack; code: lambda.Code } {
  const app = new App();
  if (process.env.BENCH_PACKS === 'aws-solutions') Compliance.of(app).enable({ packs: [CompliancePack.AWS_SOLUTIONS] });
  const stack = new Stack(app, 'Peer', { env: { account: '111111111111', region: 'us-east-1' } });
  return { app, stack, code: lambda.Code.fromAsset(HANDLER_DIR) };
}
