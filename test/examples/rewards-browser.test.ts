import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { RewardsWorld, startRewardsWorld, type WorldPersona } from '../../examples/rewards/local-world';
import { CHROMIUM, CHROMIUM_ARGS, eventually, JourneyPages, writeQrCameraVideo } from '../support/browser';

/**
 * The rewards journey in headless Chromium against the one-command local run (local-world.ts: the
 * API's real handlers on DynamoDB Local, the forwarders onto kinesalite, the users domain's service
 * on PostgreSQL, the four web apps under the site's Content-Security-Policy, the demo world):
 * civilians and officers sign up in their pages; an officer shares location; positions come from
 * the browser's geolocation (overridden per test) through the pages; a civilian within 3 m is told,
 * one 5 m away is not; they meet by QR (the officer's fake camera) and both balances rise by the
 * rule's points; a civilian donates to a family and redeems goods; the admin edits a rule and the
 * next encounter is priced by the new version; the users domain answers who met whom, the
 * donation and the goods sold. Each test makes the people it needs, so any one runs alone (`-t`).
 * Every page passes axe-core without serious or critical violations.
 */

jest.setTimeout(180_000);

const OUTPUT = path.resolve(__dirname, '..', '..', 'test-output', 'rewards');
const PHONE = { width: 390, height: 844 };
/** Where the officer stands (a square in a city), and a metre of latitude in degrees there. */
const HERE = { latitude: 51.5079, longitude: -0.1281 };
const METRE = 1 / 111_195;

let world: RewardsWorld;
let browser: Browser;
const pages = new JourneyPages(OUTPUT).checkEachTest();
const { watch, shot, axe } = pages;
const contexts: BrowserContext[] = [];

async function context(options: { geolocation?: { latitude: number; longitude: number } } = {}, on: Browser = browser): Promise<BrowserContext> {
  const ctx = await on.newContext({
    viewport: PHONE,
    deviceScaleFactor: 1,
    permissions: options.geolocation ? ['geolocation'] : [],
    geolocation: options.geolocation ? { ...options.geolocation, accuracy: 1 } : undefined,
  });
  ctx.setDefaultTimeout(10_000);
  contexts.push(ctx);
  return ctx;
}

/** One API call as `token` (undefined: the public sign-up). */
async function api(token: string | undefined, method: string, route: string, body?: unknown): Promise<any> {
  const res = await fetch(`${world.apiUrl}${route}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await res.json();
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(answer)}`);
  return answer;
}

async function usersDomain(route: string): Promise<any> {
  const res = await fetch(`${world.usersDomainUrl}${route}`);
  return res.ok ? res.json() : undefined;
}

const DOCUMENT_TYPES = { civilian: 'national-id', officer: 'police-badge', merchant: 'business-registration' } as const;

/** Someone the local ID verifier knows (as a real provider knows every document), not yet signed up. */
let made = 0;
function newPerson(kind: keyof typeof DOCUMENT_TYPES, name: string) {
  const documentNumber = `T-${Date.now().toString(36)}${(++made).toString(36)}`.toUpperCase();
  const identity = { documentType: DOCUMENT_TYPES[kind], documentNumber, name, evidence: `evidence-${documentNumber.toLowerCase()}` };
  world.addIdentity(identity);
  return { kind, ...identity, email: `${documentNumber.toLowerCase()}@example.com` };
}

/** Someone signed up through the API (what their page would do), with a sign-in. */
async function signedUp(kind: keyof typeof DOCUMENT_TYPES, name: string): Promise<WorldPersona> {
  const { userId } = await api(undefined, 'POST', '/sign-ups', newPerson(kind, name));
  return { role: kind, name, userId, token: world.tokenOf(userId) };
}

/** An encounter of `civilian` with `officer` through the API; answers the transaction. */
async function encounter(civilian: WorldPersona, officer: WorldPersona): Promise<any> {
  const { code } = await api(civilian.token, 'POST', '/encounter-codes', {});
  return (await api(officer.token, 'POST', '/transactions', { kind: 'encounter', transactionId: randomUUID(), code })).transaction;
}

/** A civilian with some points: signed up, then met the demo officer `times` times. */
async function civilianWithPoints(name: string, times = 3): Promise<WorldPersona> {
  const civilian = await signedUp('civilian', name);
  for (let i = 0; i < times; i++) await encounter(civilian, world.personas.officer);
  return civilian;
}

/** A page of the local run with `who` signed in (the session its sign-in panel keeps). */
async function pageAs(who: WorldPersona, file: string, name: string, ctx?: BrowserContext): Promise<Page> {
  const c = ctx ?? await context();
  await c.addInitScript((session) => { localStorage.setItem('rewards.localSession', session); },
    JSON.stringify({ token: who.token, name: who.name, groups: [who.role] }));
  const page = watch(await c.newPage(), name);
  await page.goto(`${world.url}${file}`);
  await page.locator('#app').waitFor({ state: 'visible' });
  return page;
}

const pointsOf = async (page: Page) => Number(((await page.locator('#balance').textContent()) ?? '').replace(/\D+/g, ''));

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  fs.rmSync(OUTPUT, { recursive: true, force: true });
  fs.mkdirSync(OUTPUT, { recursive: true });
  world = await startRewardsWorld({ useRunningEngines: true, log: false, pollMs: 100 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}, 120_000);

afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
});

afterAll(async () => {
  await browser?.close();
  await world?.stop();
  pages.writeAxeResults();
});

describe('rewards journey (headless Chromium, local run)', () => {
  test('a civilian and an officer sign up in their pages; the officer shares location for 15 minutes, counted down', async () => {
    const civilian = newPerson('civilian', 'Dana Civilian');
    const page = watch(await (await context()).newPage(), 'civilian-sign-up');
    await page.goto(world.url);
    await page.locator('#sign-up-form').waitFor();
    await axe(page, 'civilian-sign-in');
    await page.getByLabel('Full name, as on your document').fill(civilian.name);
    await page.getByLabel('Document number').fill(civilian.documentNumber);
    await page.getByLabel('Identity check code').fill(civilian.evidence);
    await page.getByLabel('E-mail address').fill(civilian.email);
    await shot(page, '01-civilian-sign-up');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.locator('#app').waitFor({ state: 'visible' });
    await expect(page.locator('#balance').textContent()).resolves.toBe('0 points');
    await expect(page.locator('#account').textContent()).resolves.toContain('Dana Civilian');
    await axe(page, 'civilian');

    const officer = newPerson('officer', 'Lee Officer');
    const ctx = await context({ geolocation: HERE });
    const patrol = watch(await ctx.newPage(), 'officer-sign-up');
    await patrol.goto(`${world.url}officer.html`);
    await patrol.getByLabel('Full name, as on your document').fill(officer.name);
    await patrol.getByLabel('Document number').fill(officer.documentNumber);
    await patrol.getByLabel('Identity check code').fill(officer.evidence);
    await patrol.getByLabel('E-mail address').fill(officer.email);
    await patrol.getByRole('button', { name: 'Sign up' }).click();
    await patrol.locator('#app').waitFor({ state: 'visible' });
    await patrol.getByRole('button', { name: 'Share for 15 minutes' }).click();
    await eventually(async () => /^1[45]:\d\d$/.test((await patrol.locator('#countdown').textContent()) ?? ''), 'the countdown from 15 minutes');
    await expect(patrol.locator('#sharing-state').textContent()).resolves.toMatch(/^Sharing your location until/);
    await eventually(async () => ((await patrol.locator('#position-status').textContent()) ?? '').startsWith('Position sent'), 'the officer\'s position to be sent');
    await shot(patrol, '02-officer-sharing');
    await axe(patrol, 'officer');
    // What the API keeps: sharing, 15 minutes from now.
    const userId = (await patrol.locator('#user-id').textContent())!;
    const sharing = await api(world.tokenOf(userId), 'GET', '/sharing');
    expect(sharing).toEqual({ sharing: true, expiresAt: expect.any(String), minutes: 15 });
    expect(Date.parse(sharing.expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);
    await patrol.getByRole('button', { name: 'Stop sharing' }).click();
    await eventually(async () => (await patrol.locator('#sharing-state').textContent()) === 'Not sharing.', 'sharing to stop');
    expect((await api(world.tokenOf(userId), 'GET', '/sharing')).sharing).toBe(false);
  });

  test('a civilian 5 m from a sharing officer is not told; within 3 m they are, on the page', async () => {
    const officer = await signedUp('officer', 'Noor Officer');
    const civilian = await signedUp('civilian', 'Eli Civilian');
    // Somewhere of their own, so no other test's officer is near.
    const spot = { latitude: HERE.latitude + 0.01, longitude: HERE.longitude + 0.01 };
    const patrol = await pageAs(officer, 'officer.html', 'officer-near', await context({ geolocation: spot }));
    await patrol.getByRole('button', { name: 'Share for 15 minutes' }).click();
    await eventually(async () => ((await patrol.locator('#position-status').textContent()) ?? '').startsWith('Position sent'), 'the officer\'s position to be sent');

    const ctx = await context({ geolocation: { latitude: spot.latitude + 5 * METRE, longitude: spot.longitude } });
    const page = await pageAs(civilian, '', 'civilian-near', ctx);
    await page.getByLabel('Send my position while this page is open').check();
    await eventually(async () => ((await page.locator('#position-status').textContent()) ?? '').startsWith('Position sent'), 'the civilian\'s position (5 m) to be sent');
    // Three polls of GET /notifications after the position was taken: nothing at 5 m.
    await page.waitForTimeout(6000);
    expect(await page.locator('#nearby').isHidden()).toBe(true);
    expect((await api(civilian.token, 'GET', '/notifications')).notifications).toEqual([]);

    await ctx.setGeolocation({ latitude: spot.latitude + 2 * METRE, longitude: spot.longitude, accuracy: 1 });
    await page.locator('#nearby').waitFor({ state: 'visible', timeout: 20_000 });
    await expect(page.locator('#nearby-text').textContent()).resolves.toMatch(/about 2 m from you/);
    await shot(page, '03-civilian-officer-nearby', false);
    await axe(page, 'civilian-notified');
    const { notifications } = await api(civilian.token, 'GET', '/notifications');
    expect(notifications).toEqual([{ id: expect.any(String), kind: 'officer-nearby', at: expect.any(String), distanceMetres: expect.any(Number) }]);
    expect(notifications[0].distanceMetres).toBeLessThanOrEqual(3);
  });

  test('they meet by QR (the officer\'s camera): both balances rise by the rule\'s points', async () => {
    const { rules, version } = await api(world.personas.admin.token, 'GET', '/rules');
    const officer = await signedUp('officer', 'Sky Officer');
    const civilian = await signedUp('civilian', 'Fin Civilian');
    const page = await pageAs(civilian, '', 'civilian-qr');
    expect(await pointsOf(page)).toBe(0);
    await page.getByRole('button', { name: 'Show my encounter code' }).first().click();
    await page.locator('#code-box').waitFor({ state: 'visible' });
    const code = (await page.locator('#code-text').textContent())!;
    expect(await page.locator('#code-qr').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    await shot(page, '04-civilian-encounter-code', false);
    await axe(page, 'civilian-code');

    const video = path.join(OUTPUT, 'qr-camera.y4m');
    writeQrCameraVideo(code, video, 'L');
    const cameraBrowser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
    });
    try {
      const ctx = await cameraBrowser.newContext({ viewport: PHONE, permissions: ['camera'] });
      ctx.setDefaultTimeout(10_000);
      const patrol = await pageAs(officer, 'officer.html', 'officer-camera', ctx);
      await patrol.getByRole('button', { name: 'Scan with the camera' }).click();
      // The scan reads the code, then the page answers either way: what it says is what failed.
      // Decoding the camera's frames is CPU work in the page: on a busy 2-core machine it took 18 s
      // (5 s quiet), so the wait is generous; it is a wait for an event, not a speed goal.
      await eventually(async () => ((await patrol.locator('#encounter-word').textContent()) ?? '') !== '', 'the camera scan to read the code', 90_000)
        .catch(async (error) => { throw new Error(`${error.message}; the officer's page says: ${JSON.stringify(await patrol.locator('#page-status').textContent())}`); });
      expect(`${await patrol.locator('#encounter-word').textContent()} ${await patrol.locator('#encounter-text').textContent()}`)
        .toBe(`✓ Encounter recorded You earned ${rules.encounter.toPointsPerUnit} points, the civilian ${rules.encounter.fromPointsPerUnit} points (rules version ${version}).`);
      await eventually(async () => (await pointsOf(patrol)) === rules.encounter.toPointsPerUnit, 'the officer\'s balance to rise');
      await shot(patrol, '05-officer-encounter-recorded');
      await axe(patrol, 'officer-encounter');
      await ctx.close();
    } finally {
      await cameraBrowser.close();
    }
    // The civilian's page sees its balance rise (it polls) and writes it into the history.
    await eventually(async () => (await pointsOf(page)) === rules.encounter.fromPointsPerUnit, 'the civilian\'s balance to rise');
    await expect(page.locator('#history').textContent()).resolves.toContain('Encounter with an officer');
    expect((await api(civilian.token, 'GET', '/balance')).balance).toBe(rules.encounter.fromPointsPerUnit);
    expect((await api(officer.token, 'GET', '/balance')).balance).toBe(rules.encounter.toPointsPerUnit);
  });

  test('the officer can also paste the code; a code used twice is refused and changes nothing', async () => {
    const civilian = await signedUp('civilian', 'Gus Civilian');
    const { code } = await api(civilian.token, 'POST', '/encounter-codes', {});
    const patrol = await pageAs(world.personas.officer2, 'officer.html', 'officer-paste');
    const before = await pointsOf(patrol);
    await patrol.getByLabel('Or paste the code').fill(code);
    await patrol.getByRole('button', { name: 'Record this code' }).click();
    await eventually(async () => (await patrol.locator('#encounter-word').textContent()) === '✓ Encounter recorded', 'the pasted code to be recorded');
    const after = await pointsOf(patrol);
    expect(after).toBeGreaterThan(before);
    await patrol.getByLabel('Or paste the code').fill(code);
    await patrol.getByRole('button', { name: 'Record this code' }).click();
    await eventually(async () => (await patrol.locator('#encounter-word').textContent()) === '✗ Not recorded', 'the used code to be refused');
    await expect(patrol.locator('#encounter-text').textContent()).resolves.toBe('This code was used already: ask for a new one.');
    expect(await pointsOf(patrol)).toBe(after);
  });

  test('a civilian donates to a family and redeems goods from a merchant\'s catalog; the merchant sees the goods sold', async () => {
    const { rules } = await api(world.personas.admin.token, 'GET', '/rules');
    const civilian = await civilianWithPoints('Hana Civilian');
    const family = world.personas.family;
    const familyBefore = (await api(family.token, 'GET', '/balance')).balance;
    const page = await pageAs(civilian, '', 'civilian-spend');
    const start = await pointsOf(page);
    expect(start).toBe(3 * rules.encounter.fromPointsPerUnit);

    await page.getByLabel('To', { exact: true }).selectOption({ label: family.name });
    await page.getByLabel('Points', { exact: true }).fill('5');
    await page.getByRole('button', { name: 'Donate' }).click();
    await eventually(async () => ((await page.locator('#page-status').textContent()) ?? '').startsWith(`Thank you: ${family.name} received`), 'the donation');
    expect((await api(family.token, 'GET', '/balance')).balance).toBe(familyBefore + 5 * rules.donation.toPointsPerUnit);

    await page.getByLabel('Shop', { exact: true }).selectOption({ label: world.personas.merchant.name });
    await page.getByRole('button', { name: /^Redeem Coffee for/ }).click();
    await eventually(async () => ((await page.locator('#page-status').textContent()) ?? '').startsWith('Redeemed: Coffee at Corner Coffee'), 'the redemption');
    const coffee = 3;
    const end = start + 5 * rules.donation.fromPointsPerUnit + coffee * rules.exchange.fromPointsPerUnit;
    await eventually(async () => (await pointsOf(page)) === end, 'the balance after donating and redeeming');
    expect((await api(civilian.token, 'GET', '/balance')).balance).toBe(end);
    await expect(page.locator('#history').textContent()).resolves.toMatch(/Coffee at Corner Coffee[\s\S]*Donation to The Example Family/);
    await page.locator('#goods').scrollIntoViewIfNeeded();
    await shot(page, '06-civilian-donate-and-redeem');
    await axe(page, 'civilian-spend');

    // Too few points: refused on the page, nothing applied.
    await page.getByLabel('Points', { exact: true }).fill('900');
    await page.getByRole('button', { name: 'Donate' }).click();
    await eventually(async () => (await page.locator('#donate-error').textContent()) === 'You do not have enough points for that.', 'the refusal');
    expect((await api(civilian.token, 'GET', '/balance')).balance).toBe(end);

    // The merchant's page: the catalog with its pictures, and the goods sold (the users domain, via the streams).
    const shop = await pageAs(world.personas.merchant, 'merchant.html', 'merchant');
    await expect(shop.locator('#catalog .good-name').allTextContents()).resolves.toEqual(['Coffee', 'Sandwich', 'Bus ticket']);
    expect(await shop.locator('#catalog img').first().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await eventually(async () => {
      await world.settle();
      await shop.reload();
      await shop.locator('#app').waitFor({ state: 'visible' });
      return shop.locator('#sold-rows th', { hasText: 'Coffee' }).isVisible();
    }, 'the goods sold to show Coffee', 60_000);
    await shot(shop, '07-merchant-catalog-and-goods-sold');
    await axe(shop, 'merchant');
    // Uploads need the catalog bucket: the local run says so instead of failing.
    await shop.getByLabel('Name').fill('Tea');
    await shop.getByRole('button', { name: 'Add to my catalog' }).click();
    await eventually(async () => ((await shop.locator('#item-error').textContent()) ?? '').startsWith('Uploads need the catalog bucket'), 'the local run\'s upload answer');
  });

  test('the admin changes a rule: a new version, and the next encounter is priced by it', async () => {
    const admin = await pageAs(world.personas.admin, 'admin.html', 'admin');
    const before = await api(world.personas.admin.token, 'GET', '/rules');
    await expect(admin.locator('#rules-version').textContent()).resolves.toBe(`version ${before.version}`);
    const raised = before.rules.encounter.fromPointsPerUnit + 7;
    await admin.getByLabel('Civilian gets (per unit)').fill(String(raised));
    await admin.getByRole('button', { name: 'Save as a new version' }).click();
    await eventually(async () => (await admin.locator('#rules-version').textContent()) === `version ${before.version + 1}`, 'the new version');
    await expect(admin.locator('#page-status').textContent()).resolves.toBe(`Saved: version ${before.version + 1} prices every transaction from now on.`);
    // The versions list is read again after the save: it may still show the old list for a moment.
    const listed = Math.min(before.version + 1, 10);
    await eventually(async () => (await admin.locator('#versions li').count()) === listed, `${listed} versions listed`);
    await expect(admin.locator('#versions li').count()).resolves.toBe(listed);
    await shot(admin, '08-admin-rules-versions');
    await axe(admin, 'admin');

    const civilian = await signedUp('civilian', 'Ivo Civilian');
    const transaction = await encounter(civilian, world.personas.officer);
    expect(transaction.rulesVersion).toBe(before.version + 1);
    expect((await api(civilian.token, 'GET', '/balance')).balance).toBe(raised);
    // The version it was priced under is kept as it was.
    expect((await api(civilian.token, 'GET', `/rules/${before.version + 1}`)).rules.encounter.fromPointsPerUnit).toBe(raised);
    expect((await api(civilian.token, 'GET', `/rules/${before.version}`)).rules).toEqual(before.rules);
  });

  test('the users domain answers who the civilian met, the donation to the family and the goods sold', async () => {
    const civilian = await civilianWithPoints('Jo Civilian', 2);
    await encounter(civilian, world.personas.officer2);
    const donation = (await api(civilian.token, 'POST', '/transactions', { kind: 'donation', transactionId: randomUUID(), recipientId: world.personas.family.userId, units: 2 })).transaction;
    await api(civilian.token, 'POST', '/transactions', { kind: 'exchange', transactionId: randomUUID(), merchantId: world.personas.merchant.userId, units: 4, goods: 'Bus ticket' });
    let met: any[] = [];
    await eventually(async () => {
      await world.settle();
      met = await usersDomain(`/civilians/${civilian.userId}/officers-met`) ?? [];
      return met.length === 2;
    }, 'the encounters in the users domain', 60_000);
    expect(met).toEqual(expect.arrayContaining([
      expect.objectContaining({ officer_id: world.personas.officer.userId, encounters: 2 }),
      expect.objectContaining({ officer_id: world.personas.officer2.userId, encounters: 1 }),
    ]));
    await eventually(async () => ((await usersDomain(`/recipients/${world.personas.family.userId}/donations`)) ?? [])
      .some((d: any) => d.transaction_id === donation.transactionId && d.donor_id === civilian.userId), 'the donation in the users domain');
    await eventually(async () => ((await usersDomain(`/merchants/${world.personas.merchant.userId}/goods-sold`)) ?? [])
      .some((g: any) => g.goods === 'Bus ticket' && g.units >= 4), 'the goods sold in the users domain');
    const profile = await usersDomain(`/users/${civilian.userId}/profile`);
    expect(profile).toEqual(expect.objectContaining({ user_id: civilian.userId, kind: 'civilian', transactions: 5 }));
  });
});
