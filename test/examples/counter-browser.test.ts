import * as fs from 'fs';
import * as path from 'path';
import { Browser, chromium, Page } from 'playwright-core';
import { startCounterLocal, type CounterLocal } from '../../examples/counter/local-options';

/**
 * The web card in headless Chromium against the local run (same route table, real handlers,
 * DynamoDB Local, the site's Content-Security-Policy): 1000, sell one -> 999, reset -> 1000.
 */

const OUTPUT = path.resolve(__dirname, '..', '..', 'test-output', 'counter');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

let local: CounterLocal;
let browser: Browser;
let page: Page;
const cspViolations: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  local = await startCounterLocal({ dynamoDbEndpoint: process.env.DYNAMODB_ENDPOINT, staffToken: 'staff-token-for-tests', log: false });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 480, height: 560 } });
  page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text()); });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  fs.mkdirSync(OUTPUT, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await local?.stop();
});

describe('counter web card in Chromium', () => {
  test('shows 1000, "Sold one" shows 999, Reset via settings (with a staff sign-in token) shows 1000', async () => {
    await page.goto(local.url);
    const count = page.locator('#count');
    await expect(count).toHaveTextEventually('1000');

    await page.getByRole('button', { name: 'Sold one' }).click();
    await expect(count).toHaveTextEventually('999');
    await expect(page.getByRole('status')).toHaveTextEventually('Sale counted.');
    await page.screenshot({ path: path.join(OUTPUT, 'card.png') });

    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('menuitem', { name: /Reset counter/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Reset the counter?' });
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.textContent()).toContain('back to 1000');
    // The first reset of a tab asks for a staff sign-in token; a wrong one is refused and nothing changes.
    await page.getByLabel('Staff sign-in token').fill('not-the-key');
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await expect(page.getByRole('alert')).toHaveTextEventually('The staff sign-in token was refused (wrong, expired, or not staff). Sign in again and retry.');
    expect(await count.textContent()).toBe('999');
    await page.screenshot({ path: path.join(OUTPUT, 'reset-dialog.png') });

    await page.getByLabel('Staff sign-in token').fill('staff-token-for-tests');
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect(count).toHaveTextEventually('1000');
    // Focus returns to the settings button after the dialog closes.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('settings-button');

    // The token is kept for the tab: the next reset only asks for confirmation.
    await page.getByRole('button', { name: 'Sold one' }).click();
    await expect(count).toHaveTextEventually('999');
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('menuitem', { name: /Reset counter/ }).click();
    expect(await page.getByLabel('Staff sign-in token').isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await expect(count).toHaveTextEventually('1000');

    const api = await (await fetch(`${local.apiUrl}/counter`)).json();
    expect(api).toEqual({ value: 1000 });
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  test('the page is served with the site\'s Content-Security-Policy and no inline script or style', async () => {
    const res = await fetch(local.url);
    expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'self';/);
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
  });
});

// A tiny polling matcher: the card updates after a fetch, so wait for the text (up to 10 s).
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      toHaveTextEventually(expected: string): Promise<R>;
    }
  }
}
expect.extend({
  async toHaveTextEventually(locator: { textContent(): Promise<string | null> }, expected: string) {
    const deadline = Date.now() + 10_000;
    let last: string | null = null;
    while (Date.now() < deadline) {
      last = (await locator.textContent())?.trim() ?? null;
      if (last === expected) return { pass: true, message: () => `text is '${expected}'` };
      await new Promise((r) => setTimeout(r, 50));
    }
    return { pass: false, message: () => `expected text '${expected}', last seen '${last}'` };
  },
});
