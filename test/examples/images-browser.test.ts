import * as fs from 'fs';
import * as path from 'path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import sharp from 'sharp';
import { startLocalGallery, type LocalGallery } from '../../examples/images/frontend/local-gallery';
import { startImagesWorld, type ImagesWorld } from '../../examples/images/local-world';
import { CHROMIUM, CHROMIUM_ARGS, eventually, JourneyPages } from '../support/browser';

/**
 * The gallery in headless Chromium against the one-command local run (local-world.ts: the API's
 * real handlers on DynamoDB Local, redis-server and s3rver, the compose worker with sharp; the
 * gallery's server in front): a cat and a hat are uploaded from the page (presigned POST, browser
 * to bucket, then checked), composed (a new combination: 202, polled until its picture is shown),
 * and composed again (the same combination: a 200 from the cache, shown at once). A file that is
 * not an image is refused with the API's message and never listed. Every page passes axe-core
 * without serious or critical violations, under the gallery's Content-Security-Policy.
 *
 * Screenshots go to test-output/images/; the README's are copies (examples/images/docs/screens/).
 */

jest.setTimeout(180_000);

const OUTPUT = path.resolve(__dirname, '..', '..', 'test-output', 'images');

let world: ImagesWorld;
let gallery: LocalGallery;
let browser: Browser;
let ctx: BrowserContext;
const pages = new JourneyPages(OUTPUT).checkEachTest();
const { watch, shot, axe } = pages;

/** A small cat (an orange face with ears) and a top hat on transparency, drawn as SVG and made PNG by sharp. */
async function fixtures(): Promise<{ cat: Buffer; hat: Buffer }> {
  const cat = `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="200">
    <rect width="240" height="200" fill="#dbeafe"/>
    <polygon points="60,70 80,20 110,60" fill="#e07b24"/><polygon points="130,60 160,20 180,70" fill="#e07b24"/>
    <ellipse cx="120" cy="115" rx="75" ry="65" fill="#f0913a"/>
    <circle cx="95" cy="105" r="9" fill="#1f2933"/><circle cx="145" cy="105" r="9" fill="#1f2933"/>
    <polygon points="112,130 128,130 120,140" fill="#b3261e"/></svg>`;
  const hat = `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="100">
    <rect x="25" y="10" width="70" height="70" rx="6" fill="#1f2933"/><rect x="25" y="58" width="70" height="12" fill="#b3261e"/>
    <rect x="5" y="78" width="110" height="14" rx="7" fill="#1f2933"/></svg>`;
  const [c, h] = await Promise.all([cat, hat].map((svg) => sharp(Buffer.from(svg)).png().toBuffer()));
  return { cat: c, hat: h };
}

async function upload(page: Page, kind: 'cat' | 'hat', file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
  await page.getByLabel(`A ${kind} picture (PNG, JPEG or WebP, up to 5 MB)`).setInputFiles(file);
  await page.getByRole('button', { name: `Upload the ${kind}` }).click();
}

/** The gallery's compose form with the first cat and hat (the page's default choice) and this placement. */
async function compose(page: Page, placement: { x: number; y: number; scale: number; rotation: number }): Promise<void> {
  await page.goto(`${gallery.url}/`);
  await page.getByLabel('Across the cat (%)').fill(String(placement.x));
  await page.getByLabel('Down the cat (%)').fill(String(placement.y));
  await page.getByLabel('Hat width (% of the cat)').fill(String(placement.scale));
  await page.getByLabel('Tilt (degrees)').fill(String(placement.rotation));
  await page.getByRole('button', { name: 'Put the hat on the cat' }).click();
  await page.locator('#composition').waitFor();
}

/** The composed picture has loaded (from the assets origin) with a size. */
async function pictureShown(page: Page): Promise<boolean> {
  return page.locator('#composition img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0).catch(() => false);
}

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  fs.rmSync(OUTPUT, { recursive: true, force: true });
  fs.mkdirSync(OUTPUT, { recursive: true });
  world = await startImagesWorld({ useRunningEngines: true, log: false });
  gallery = await startLocalGallery(world);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  ctx = await browser.newContext({ viewport: { width: 1024, height: 800 }, deviceScaleFactor: 1 });
  ctx.setDefaultTimeout(15_000);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await gallery?.stop();
  await world?.stop();
  pages.writeAxeResults();
});

describe('images journey (headless Chromium, local run)', () => {
  test('upload a cat and a hat, compose them (queued, then shown), compose again (200 from the cache, shown at once)', async () => {
    const { cat, hat } = await fixtures();
    const page = watch(await ctx.newPage(), 'gallery');
    await page.goto(`${gallery.url}/`);
    await expect(page.getByText('No cats yet').isVisible()).resolves.toBe(true);
    await axe(page, 'gallery-empty');

    await upload(page, 'cat', { name: 'cat.png', mimeType: 'image/png', buffer: cat });
    await page.waitForURL(/\?added=cat$/);
    await expect(page.locator('#notice').textContent()).resolves.toContain('Your cat is in the gallery.');
    await upload(page, 'hat', { name: 'hat.png', mimeType: 'image/png', buffer: hat });
    await page.waitForURL(/\?added=hat$/);
    await expect(page.locator('.tiles[data-kind="cat"] img').count()).resolves.toBe(1);
    await expect(page.locator('.tiles[data-kind="hat"] img').count()).resolves.toBe(1);
    await expect(page.locator('.tiles[data-kind="cat"] img').getAttribute('alt')).resolves.toMatch(/^Cat \S+, 240 by 200 pixels$/);
    await eventually(async () => page.locator('.tiles img').evaluateAll((imgs: HTMLImageElement[]) => imgs.every((i) => i.complete && i.naturalWidth > 0)), 'the thumbnails to load');
    await shot(page, '01-gallery');
    await axe(page, 'gallery');

    const placement = { x: 50, y: 22, scale: 55, rotation: -12 };
    await compose(page, placement);
    // A new combination: queued (202), then the page shows it once the worker has composed it.
    await expect(page.locator('#composition').getAttribute('data-answer')).resolves.toBe('202');
    await page.locator('#composition[data-status="ready"] img').waitFor({ timeout: 60_000 });
    await eventually(() => pictureShown(page), 'the composed picture to load');
    await expect(page.locator('#composition-state').textContent()).resolves.toMatch(/^Composed: this combination was new/);
    await shot(page, '02-composed');
    await axe(page, 'composed');
    const composedUrl = await page.locator('#composition img').getAttribute('src');
    expect(composedUrl).toMatch(new RegExp(`^${world.assetsBaseUrl}/results/[0-9a-f]{64}\\.png$`));

    // The same cat, hat and placement again: the API answers 200 from the cache, the page shows the picture at once.
    await compose(page, placement);
    await expect(page.locator('#composition').getAttribute('data-answer')).resolves.toBe('200');
    await expect(page.locator('#composition').getAttribute('data-status')).resolves.toBe('ready');
    await expect(page.locator('#composition img').getAttribute('src')).resolves.toBe(composedUrl);
    await expect(page.locator('#composition-state').textContent()).resolves.toMatch(/^Served from the cache at once/);
    await eventually(() => pictureShown(page), 'the cached picture to load');
    await shot(page, '03-served-from-cache');
    await axe(page, 'served-from-cache');
  });

  test('a file that only claims to be a PNG is refused with what the API said, and is not listed', async () => {
    const page = watch(await ctx.newPage(), 'refused-upload');
    await page.goto(`${gallery.url}/`);
    const before = await page.locator('.tiles[data-kind="hat"] img').count();
    await upload(page, 'hat', { name: 'hat.png', mimeType: 'image/png', buffer: Buffer.from('<svg onload="alert(1)"></svg> not a PNG') });
    const error = page.locator('#hat-file-error');
    await eventually(async () => ((await error.textContent()) ?? '') !== '', 'the refusal to be shown');
    await expect(error.textContent()).resolves.not.toMatch(/^(The upload was refused|The picture was refused)\.$/);
    await expect(page.getByLabel('A hat picture (PNG, JPEG or WebP, up to 5 MB)').getAttribute('aria-invalid')).resolves.toBe('true');
    await shot(page, '04-upload-refused', false);
    await axe(page, 'upload-refused');
    await page.goto(`${gallery.url}/`);
    await expect(page.locator('.tiles[data-kind="hat"] img').count()).resolves.toBe(before);
  });
});
