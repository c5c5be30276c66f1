/**
 * Runs the whole movement pass on 127.0.0.1 without AWS: DynamoDB Local, the approval queue and
 * the rules worker, the table's stream and its consumer, the four pages and the API.
 *
 *   npx ts-node --swc examples/pass/local.ts [--port 8080]
 *
 * It prints the URLs and the test identities; Ctrl-C stops everything. Environment: PORT,
 * DYNAMODB_ENDPOINT (use a running DynamoDB instead of starting DynamoDB Local).
 */
import { startPassLocal } from './local-options';
import { PortInUseError, stopOnSignals } from '../shared/local-run';

const portArg = process.argv.indexOf('--port');
const port = Number(portArg > 0 ? process.argv[portArg + 1] : process.env.PORT ?? 8080);

startPassLocal({ port, dynamoDbEndpoint: process.env.DYNAMODB_ENDPOINT }).then(
  (running) => stopOnSignals('the movement pass', running),
  (error) => {
    console.error(error instanceof PortInUseError ? error.message : error);
    process.exit(1);
  },
);
