/**
 * Sample requests for the counter's handlers (section 3). Every handler file of an example gets a
 * bundle size; the ones listed here also get cold init and warm latency against DynamoDB Local.
 */
import type { HandlerSamples } from './samples';

export const samples: HandlerSamples = {
  // CounterApiStack gives every counter function 512 MB (tracedApiRoutes(..., { memorySize: 512 })).
  memoryMb: 512,
  tables: [{ envName: 'COUNTER_TABLE', partitionKey: 'pk' }],
  // A start value no load reaches, so POST /decrement never sells out during the bench.
  environment: { COUNTER_START: '1000000000', COUNTER_ID: 'cameras' },
  requests: {
    'get-counter': { method: 'GET', path: '/counter' },
    'decrement': { method: 'POST', path: '/decrement' },
    'reset': { method: 'PUT', path: '/reset' },
  },
};
