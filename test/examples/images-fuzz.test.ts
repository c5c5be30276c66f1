import { catPng, hatPng } from './images-support';
import { startImagesWorld, type ImagesWorld } from '../../examples/images/local-world';
import type * as Fuzz from '../../tools/fuzz-images';

/**
 * Bad input everywhere: fast-check throws seeded random requests at every route of the images
 * example (junk and near-valid bodies, junk path parameters and query strings, placements of edge
 * and junk numbers, no or a wrong API key) through its local world. None may answer 5xx, and a
 * refusal must leave the table, Redis, the queue and both buckets as they were.
 */

/** The suite's seeded sample per route; `npx projen fuzz --only images` runs 10,000 per route (tools/fuzz.ts). */
const RUNS = 60;
const SEED = 14;

let world: ImagesWorld;
let fuzz: typeof Fuzz;
let fixtures: Fuzz.ImagesFuzzFixtures;
let state: ReturnType<typeof Fuzz.stateReader>;

beforeAll(async () => {
  world = await startImagesWorld({ useRunningEngines: true, log: false, worker: false });
  // Loaded once the world has set the handlers' environment (their logger reads it when first loaded).
  fuzz = require('../../tools/fuzz-images'); // eslint-disable-line @typescript-eslint/no-require-imports
  const { imagesFuzzFixtures, stateReader } = fuzz;
  fixtures = await imagesFuzzFixtures(world, (kind) => (kind === 'cat' ? catPng(24, 18) : hatPng(8)));
  state = stateReader(world);
}, 60_000);

afterAll(async () => {
  state?.close();
  await world?.stop();
});

const routes = () => fuzz.imagesRoutes(fixtures);

describe.each(['POST /uploads', 'POST /images/{imageId}/complete', 'GET /images', 'POST /compositions', 'GET /compositions/{key}'])('%s under random requests', (name) => {
  test(`${RUNS} seeded random requests: never a 5xx; every refusal (4xx) is JSON with a request id and changes nothing`, async () => {
    const route = routes().find((r) => r.name === name)!;
    const report = await fuzz.fuzzImagesRoute(world, route, RUNS, SEED, state);
    console.log(`${report.route}: statuses ${JSON.stringify(report.statuses)}`);
    expect(report.serverErrors).toBe(0);
    expect(report.writesOnRefusal).toBe(0);
    expect(report.malformedAnswers).toBe(0);
    // The generator reaches the validators (400) and beyond them (a 2xx).
    expect(report.statuses[400]).toBeGreaterThan(0);
    expect(Object.keys(report.statuses).some((s) => Number(s) < 300)).toBe(true);
  }, 120_000);
});
