/**
 * Runs the camera counter on 127.0.0.1 without AWS: DynamoDB Local, the web card and the API
 * routes of the system declaration answered by the real handlers in-process.
 *
 *   npx ts-node --swc examples/counter/local.ts [--port 8080]
 *
 * Ctrl-C stops everything. Environment: PORT, COUNTER_START, DYNAMODB_ENDPOINT (use a running
 * DynamoDB instead of starting DynamoDB Local), COUNTER_STAFF_TOKEN (the staff sign-in token Reset
 * takes locally; random otherwise).
 */
import { startCounterLocal } from './local-options';
import { PortInUseError, stopOnSignals } from '../shared/local-run';

const portArg = process.argv.indexOf('--port');
const port = Number(portArg > 0 ? process.argv[portArg + 1] : process.env.PORT ?? 8080);

startCounterLocal({
  port,
  start: process.env.COUNTER_START ? Number(process.env.COUNTER_START) : undefined,
  dynamoDbEndpoint: process.env.DYNAMODB_ENDPOINT,
  staffToken: process.env.COUNTER_STAFF_TOKEN,
}).then(
  (running) => stopOnSignals('counter', running),
  (error) => {
    // A taken port is an everyday mistake: its message says what to do; anything else keeps its stack.
    console.error(error instanceof PortInUseError ? error.message : error);
    process.exit(1);
  },
);
