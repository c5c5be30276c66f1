/**
 * Runs the cat-and-hat compositor on 127.0.0.1 without AWS: DynamoDB Local, redis-server and
 * s3rver, the API's real handlers and the compose worker with sharp (local-world.ts), and the
 * gallery in front of them (frontend/server.ts, as the container runs it).
 *
 *   npx ts-node examples/images/local.ts [--port 8080]
 *
 * It prints the gallery's URL; Ctrl-C stops everything and removes what it made. Environment: PORT.
 */
import { startLocalGallery } from './frontend/local-gallery';
import { startImagesWorld } from './local-world';
import { stopOnSignals } from '../shared/local-run';

const portArg = process.argv.indexOf('--port');
const port = Number(portArg > 0 ? process.argv[portArg + 1] : process.env.PORT ?? 8080);

async function main(): Promise<void> {
  const world = await startImagesWorld({ log: false, uploadOrigins: port ? [`http://127.0.0.1:${port}`] : undefined });
  let gallery;
  try {
    gallery = await startLocalGallery(world, { port, log: false });
  } catch (error) {
    await world.stop();
    throw error;
  }
  console.log([
    'The cat-and-hat compositor is running locally',
    `  Gallery: ${gallery.url}/`,
    `  API:     ${world.apiUrl}  (x-api-key: ${world.apiKey})`,
    `  Assets:  ${world.assetsBaseUrl}/originals/..., /results/...`,
    'Ctrl-C stops it.',
  ].join('\n'));
  const running = gallery;
  stopOnSignals('the compositor', { stop: async () => { await running.stop(); await world.stop(); } });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error && /EADDRINUSE/.test(error.message)
    ? `Port ${port} on 127.0.0.1 is already in use. Choose another: --port <n> or PORT=<n> (0 picks a free one).`
    : error);
  process.exit(1);
});
