/**
 * Runs the rewards API on 127.0.0.1 without AWS: DynamoDB Local and the routes of the system
 * declaration answered by the real handlers in-process.
 *
 *   npx ts-node --swc examples/rewards/local.ts [--port 8080]
 *
 * Sign in with `Authorization: Bearer <token>`, a token of `LOCAL_USERS` (local-options.ts):
 * admin-token, civilian-token, officer-token, merchant-token, charity-token, family-token.
 * Ctrl-C stops everything. Environment: PORT, DYNAMODB_ENDPOINT (use a running DynamoDB).
 */
import { startRewardsLocal } from './local-options';
import { PortInUseError, stopOnSignals } from '../shared/local-run';

const portArg = process.argv.indexOf('--port');
const port = Number(portArg > 0 ? process.argv[portArg + 1] : process.env.PORT ?? 8080);

startRewardsLocal({ port, dynamoDbEndpoint: process.env.DYNAMODB_ENDPOINT }).then(
  (running) => stopOnSignals('rewards', running),
  (error) => {
    console.error(error instanceof PortInUseError ? error.message : error);
    process.exit(1);
  },
);
