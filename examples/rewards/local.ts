/**
 * Runs the whole rewards platform on 127.0.0.1 without AWS, with a demo world: DynamoDB Local,
 * kinesalite, PostgreSQL and the users domain's service, the stream forwarders, the API and the
 * four web apps (local-world.ts).
 *
 *   npx ts-node --swc examples/rewards/local.ts [--port 8080]
 *
 * It prints the URLs and the demo world's people (the pages offer them as sign-ins); Ctrl-C stops
 * everything and removes what it made. Environment: PORT.
 */
import { startRewardsWorld } from './local-world';
import { stopOnSignals } from '../shared/local-run';

const portArg = process.argv.indexOf('--port');
const port = Number(portArg > 0 ? process.argv[portArg + 1] : process.env.PORT ?? 8080);

startRewardsWorld({ port }).then(
  (running) => stopOnSignals('rewards', running),
  (error) => {
    console.error(error instanceof Error && /EADDRINUSE/.test(error.message)
      ? `Port ${port} on 127.0.0.1 is already in use. Choose another: --port <n> or PORT=<n> (0 picks a free one).`
      : error);
    process.exit(1);
  },
);
