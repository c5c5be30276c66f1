import { App } from 'aws-cdk-lib';
import { deliveryContext, deliveryEnvironments, requireDeliveryContext } from '../../examples/shared/stack';

/** The examples' delivery settings from cdk.json's context, read the same way by every app. */

const PIPELINE = { account: '111111111111', region: 'eu-west-1', connectionArn: 'arn:aws:codeconnections:eu-west-1:111111111111:connection/x', repository: 'o/r' };
const ENVIRONMENTS = { DEV: { account: '222222222222', region: 'eu-west-1', size: 1 }, PROD: { account: '333333333333', region: 'eu-west-1', size: 3 } };

test('without the pipeline: none, or an error naming it when the app needs one', () => {
  expect(deliveryContext(new App(), 'images')).toBeUndefined();
  expect(() => requireDeliveryContext(new App(), 'counter')).toThrow("cdk.json: context 'counter:pipeline' is missing (see examples/counter/README.md)");
});

test('the pipeline without its environments is an error naming both', () => {
  const app = new App({ context: { 'rewards:pipeline': PIPELINE } });
  expect(() => deliveryContext(app, 'rewards')).toThrow("cdk.json: context 'rewards:environments' is missing next to 'rewards:pipeline' (see examples/rewards/README.md)");
});

test('the environments by name, each with its stage configuration', () => {
  const app = new App({ context: { 'images:pipeline': PIPELINE, 'images:environments': ENVIRONMENTS } });
  const delivery = requireDeliveryContext<typeof ENVIRONMENTS.DEV>(app, 'images');
  expect(delivery.pipeline).toEqual(PIPELINE);
  expect(deliveryEnvironments(delivery.environments, (e) => ({ size: e.size }))).toEqual([
    { name: 'DEV', account: '222222222222', region: 'eu-west-1', config: { size: 1 } },
    { name: 'PROD', account: '333333333333', region: 'eu-west-1', config: { size: 3 } },
  ]);
});
