import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import * as QRCode from 'qrcode';
import { PassLocal, startPassLocal } from '../../examples/pass/local-options';
import { CHROMIUM, CHROMIUM_ARGS, eventually, JourneyPages, writeQrCameraVideo } from '../support/browser';

/**
 * The movement pass journey in headless Chromium against the local run (the stack's route table,
 * the real handlers, DynamoDB Local with its stream, the approval queue and rules worker, the
 * site's Content-Security-Policy): a citizen signs up, registers, applies twice (medical: approved
 * by the rules; other: waits for a reviewer), a reviewer approves, the citizen opens the QR code,
 * the police check it through a (fake) camera and by number, a tampered QR is refused, and the
 * dashboard counts. Each test makes what it needs itself (through the API, as another page would
 * have), so any one runs alone (`-t`) or in any order. Every page passes axe-core without serious
 * or critical violations.
 */

jest.setTimeout(180_000);

const OUTPUT = path.resolve(__dirname, '..', '..', 'test-output', 'pass');

let local: PassLocal;
let browser: Browser;
const pages = new JourneyPages(OUTPUT).checkEachTest();
const { watch, shot, axe } = pages;

async function context(viewport = { width: 1000, height: 1000 }): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  ctx.setDefaultTimeout(10_000);
  return ctx;
}

/** A `datetime-local` value (local time) for a moment. */
function localInput(date: Date): string {
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  fs.rmSync(OUTPUT, { recursive: true, force: true });
  fs.mkdirSync(OUTPUT, { recursive: true });
  local = await startPassLocal({ dynamoDbEndpoint: process.env.DYNAMODB_ENDPOINT, log: false, pollMs: 100 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await local?.stop();
  pages.writeAxeResults();
});

/** A citizen made for one test: signed up on the local run (a unique e-mail address), not yet registered. */
interface Citizen {
  readonly name: string;
  readonly token: string;
  readonly document: string;
}

let made = 0;
function newCitizen(name: string): Citizen {
  const n = `${Date.now().toString(36)}${(++made).toString(36)}`.toUpperCase();
  const email = `${name.toLowerCase().replace(/[^a-z]+/g, '.')}.${n.toLowerCase()}@example.com`;
  return { name, token: `signup.${Buffer.from(JSON.stringify({ name, email })).toString('base64url')}`, document: `T${n}`.slice(0, 20) };
}

/** One API call as `token` (a persona's or a citizen's). */
async function api(token: string, method: string, route: string, body?: unknown, headers: Record<string, string> = {}): Promise<any> {
  const res = await fetch(`${local.apiUrl}${route}`, {
    method,
    headers: { 'authorization': `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await res.json();
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(answer)}`);
  return answer;
}

/** The stub identity provider learns the citizen's document (as a real one knows every document); the code is its holder's evidence. */
function knownDocument(citizen: Citizen): string {
  const code = `CODE-${citizen.document}`;
  local.addDocument({ nationalIdType: 'national-id', nationalIdNumber: citizen.document, name: citizen.name, dateOfBirth: '1985-06-15', code });
  return code;
}

async function registered(name: string): Promise<Citizen> {
  const citizen = newCitizen(name);
  await api(citizen.token, 'POST', '/registrations', {
    name,
    dateOfBirth: '1985-06-15',
    nationalIdType: 'national-id',
    nationalIdNumber: citizen.document,
    phone: '+441632960961',
    district: 'north',
    identityEvidence: knownDocument(citizen),
  });
  return citizen;
}

/** An application for the citizen alone, from north to east, starting now. */
async function applied(citizen: Citizen, reason = 'medical', to = 'Oak House Care Home'): Promise<string> {
  const pass = await api(citizen.token, 'POST', '/passes', {
    travellers: [{ kind: 'applicant' }],
    from: { address: '12 Mill Lane', district: 'north' },
    to: { address: to, district: 'east' },
    startTime: new Date().toISOString(),
    durationMinutes: 120,
    reason,
    ...(reason === 'other' ? { note: 'Moving my mother to her care home' } : {}),
  }, { 'Idempotency-Key': `browser-${randomUUID()}` });
  return pass.passId;
}

async function statusOf(citizen: Citizen, passId: string, wanted: string): Promise<any> {
  let pass: any;
  await eventually(async () => {
    await local.settle();
    pass = await api(citizen.token, 'GET', `/passes/${passId}`);
    return pass.status === wanted;
  }, `pass ${passId} to be ${wanted}`);
  return pass;
}

/** A registered citizen with a pass approved by the rules (medical), and the pass's QR text. */
async function approvedPass(name: string): Promise<{ citizen: Citizen; passId: string; payload: string }> {
  const citizen = await registered(name);
  const passId = await applied(citizen);
  const pass = await statusOf(citizen, passId, 'approved');
  return { citizen, passId, payload: pass.qr.payload };
}

/** A page of the local run with the citizen signed in (the session the sign-up panel would keep). */
async function citizenPage(citizen: Citizen, name: string): Promise<Page> {
  const ctx = await context();
  await ctx.addInitScript((session) => { localStorage.setItem('pass.localSession', session); },
    JSON.stringify({ token: citizen.token, name: citizen.name, groups: [] }));
  const page = watch(await ctx.newPage(), name);
  await page.goto(local.url);
  return page;
}

async function policePage(name: string, ctx?: BrowserContext): Promise<Page> {
  const police = watch(await (ctx ?? await context({ width: 390, height: 844 })).newPage(), name);
  await police.goto(`${local.url}police.html`);
  await police.getByRole('button', { name: 'Sign in as Pat Officer' }).click();
  await police.getByRole('textbox', { name: 'Checkpoint' }).fill('Bridge Street north');
  return police;
}

async function openQr(citizen: Page, passId: string): Promise<void> {
  const item = citizen.locator(`[data-pass="${passId}"]`);
  await eventually(async () => (await item.locator('.badge').textContent()) === 'Approved', 'the pass shown as approved');
  await item.getByRole('button', { name: /Show QR code/ }).click();
  await citizen.getByRole('dialog').waitFor();
}

describe('movement pass journey in Chromium', () => {
  test('a citizen signs up, registers (the form shows what is wrong first) and applies: medical is approved by the rules, other waits for a reviewer', async () => {
    const me = newCitizen('Cy Citizen');
    const citizen = watch(await (await context()).newPage(), 'citizen');
    await citizen.goto(local.url);
    await citizen.getByLabel('Full name', { exact: true }).fill(me.name);
    await citizen.getByLabel('E-mail address').fill(`cy.${me.document.toLowerCase()}@example.com`);
    await shot(citizen, '01-sign-up');
    await axe(citizen, 'sign-in');
    await citizen.getByRole('button', { name: 'Create account' }).click();

    // Registration: checked in the page with the API's own schema before anything is sent.
    const code = knownDocument(me);
    await citizen.locator('#register').waitFor();
    await citizen.getByLabel('Date of birth').fill('1985-06-15');
    await citizen.getByLabel('Document number', { exact: true }).fill(me.document);
    await citizen.getByLabel('Identity check code').fill(code);
    await citizen.getByLabel('Mobile phone').fill('01632 960961');
    await citizen.getByRole('button', { name: 'Register' }).click();
    await eventually(async () => /international format/i.test((await citizen.locator('#r-phone-error').textContent()) ?? ''), 'the phone error');
    expect(await citizen.locator('#r-district-error').textContent()).toMatch(/district/i);
    expect(await citizen.getByLabel('Mobile phone').getAttribute('aria-invalid')).toBe('true');
    await shot(citizen, '02-register-errors');
    await axe(citizen, 'register');
    await citizen.getByLabel('Mobile phone').fill('+441632960961');
    await citizen.getByLabel('Your district').selectOption('north');
    await citizen.getByRole('button', { name: 'Register' }).click();

    // Apply: medical, for the citizen (pre-filled), leaving now.
    await citizen.locator('#apply').waitFor();
    expect(await citizen.locator('#t0-me').textContent()).toBe('Cy Citizen (you)');
    await citizen.getByLabel('From (address)').fill('12 Mill Lane');
    await citizen.getByLabel('To (address)').fill('General Hospital, Ward 4');
    await citizen.locator('#a-to-district').selectOption('central');
    await citizen.getByLabel('Reason', { exact: true }).selectOption('medical');
    await citizen.getByRole('button', { name: 'Apply' }).click();
    await eventually(async () => (await citizen.locator('.pass .badge').allTextContents()).includes('Approved'), 'the medical pass approved by the rules');

    // Other, with a child: without a note the page says what is missing, next to the field.
    await citizen.getByRole('button', { name: 'Add a traveller' }).click();
    await citizen.locator('#t1-kind').selectOption('dependant');
    await citizen.locator('#t1-name').fill('Dee Citizen');
    await citizen.locator('#t1-dateOfBirth').fill('2016-03-04');
    await citizen.getByLabel('To (address)').fill('Oak House Care Home');
    await citizen.locator('#a-to-district').selectOption('east');
    await citizen.getByLabel('Reason', { exact: true }).selectOption('other');
    await citizen.getByRole('button', { name: 'Apply' }).click();
    await eventually(async () => (await citizen.locator('#a-note-error').textContent()) === 'Required when the reason is other', 'the note error');
    await shot(citizen, '03-apply-errors');
    await citizen.locator('#a-note').fill('Moving my mother to her care home');
    await citizen.locator('#a-start').fill(localInput(new Date(Date.now() + 4 * 3600_000)));
    await citizen.getByRole('button', { name: 'Apply' }).click();
    await eventually(async () => (await citizen.locator('.pass .badge').allTextContents()).includes('Waiting for a reviewer'), 'the other pass waiting for review');
    expect(await citizen.locator('.pass', { hasText: 'Waiting for a reviewer' }).textContent()).toContain('Cy Citizen, Dee Citizen');
    await shot(citizen, '04-my-passes');
    await axe(citizen, 'citizen');
  });

  test('a registered person allows a relative to list them; the relative lists them by document, and someone who did not allow it is refused next to the row', async () => {
    const relative = await registered('Kim Relative');
    const grandma = await registered('Gran Registered');
    const stranger = await registered('Stan Stranger');
    const granPage = await citizenPage(grandma, 'consent');
    await granPage.locator('#consents').waitFor();
    await granPage.locator('#c-id-number').fill(relative.document);
    await granPage.getByRole('button', { name: 'Allow them to list me' }).click();
    await eventually(async () => /may list you/.test((await granPage.locator('#page-status').textContent()) ?? ''), 'the consent to be given');
    await axe(granPage, 'consent');

    const page = await citizenPage(relative, 'relative');
    await page.locator('#apply').waitFor();
    await page.getByRole('button', { name: 'Add a traveller' }).click();
    await page.locator('#t1-kind').selectOption('registered');
    await page.locator('#t1-nationalIdNumber').fill(stranger.document);
    await page.getByLabel('From (address)').fill('3 Elm Road');
    await page.getByLabel('To (address)').fill('General Hospital, Ward 4');
    await page.locator('#a-to-district').selectOption('central');
    await page.getByLabel('Reason', { exact: true }).selectOption('medical');
    await page.getByRole('button', { name: 'Apply' }).click();
    await eventually(async () => /allowed you to list them/.test((await page.locator('#t1-kind-error').textContent()) ?? ''), 'the stranger refused next to the row');
    expect(await page.locator('#t1-kind').getAttribute('aria-invalid')).toBe('true');
    await shot(page, '11-traveller-not-allowed');
    await page.locator('#t1-nationalIdNumber').fill(grandma.document);
    await page.getByRole('button', { name: 'Apply' }).click();
    await eventually(async () => (await page.locator('.pass .badge').allTextContents()).includes('Approved'), 'the pass for both approved');
    expect(await page.locator('.pass').first().textContent()).toContain('Kim Relative, Gran Registered');
  });

  test('a reviewer approves a pass waiting for review, with a reason', async () => {
    const citizen = await registered('Dee Citizen');
    const passId = await applied(citizen, 'other');
    await statusOf(citizen, passId, 'needs-review');
    const reviewer = watch(await (await context()).newPage(), 'reviewer');
    await reviewer.goto(`${local.url}review.html`);
    await reviewer.getByRole('button', { name: 'Sign in as Rae Reviewer' }).click();
    const card = reviewer.locator(`[data-pass="${passId}"]`);
    await card.waitFor();
    const waiting = Number(await reviewer.locator('#queue-count').textContent());
    expect(await card.textContent()).toContain('Moving my mother to her care home');
    await card.getByRole('button', { name: 'Approve' }).click();
    expect(await card.locator('.field-error').textContent()).toMatch(/at least 3 characters/);
    await card.getByLabel(/Reason for your decision/).fill('Care home move confirmed by phone');
    await shot(reviewer, '05-review-queue');
    await axe(reviewer, 'review');
    await card.getByRole('button', { name: 'Approve' }).click();
    await card.waitFor({ state: 'detached' });
    expect(await reviewer.locator('#page-status').textContent()).toBe(`Pass ${passId} approved.`);
    expect(await reviewer.locator('#queue-count').textContent()).toBe(String(waiting - 1));
    expect((await api(citizen.token, 'GET', `/passes/${passId}`)).status).toBe('approved');
  });

  test('the citizen opens the approved pass as a QR code, kept on the device', async () => {
    const { citizen, passId, payload } = await approvedPass('Eve Citizen');
    const page = await citizenPage(citizen, 'citizen-qr');
    await openQr(page, passId);
    expect(await page.locator('#qr-image').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    expect(await page.getByRole('dialog').textContent()).toContain('Eve Citizen');
    await shot(page, '06-pass-qr', false);
    await axe(page, 'qr');
    const saved = JSON.parse(await page.evaluate(() => localStorage.getItem('pass.saved') ?? '[]'));
    expect(saved[0]).toMatchObject({ passId, payload });
    // The compact QR text: a small QR code (version 6 at error correction M) a phone reads at arm's length.
    expect(QRCode.create(payload, { errorCorrectionLevel: 'M' }).version).toBeLessThanOrEqual(6);
  });

  test('offline, the saved pass and its QR code still show', async () => {
    const { citizen, passId } = await approvedPass('Fay Citizen');
    const page = await citizenPage(citizen, 'citizen-offline');
    await openQr(page, passId);
    await page.getByRole('button', { name: 'Close' }).click();
    // Offline use starts once the service worker has kept the page's files and controls the page,
    // as it does on a citizen's phone a moment after the first visit.
    await page.evaluate(async () => { await navigator.serviceWorker.ready; });
    await eventually(async () => page.evaluate(() => navigator.serviceWorker.controller !== null), 'the service worker controlling the page');
    const ctx = page.context();
    await ctx.setOffline(true);
    try {
      await page.reload();
      const saved = page.locator('#saved');
      await saved.waitFor();
      expect(await saved.textContent()).toContain(passId);
      await saved.getByRole('button', { name: 'Show QR code' }).click();
      expect(await page.locator('#qr-image').getAttribute('src')).toMatch(/^data:image\/png/);
      await shot(page, '07-offline', false);
    } finally {
      await ctx.setOffline(false);
    }
  });

  test('the police scan the QR code with the (fake) camera on a phone-sized screen: valid, with holder and route', async () => {
    const { payload } = await approvedPass('Gus Citizen');
    const video = path.join(OUTPUT, 'qr-camera.y4m');
    writeQrCameraVideo(payload, video, 'M');
    const cameraBrowser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
    });
    try {
      const ctx = await cameraBrowser.newContext({ viewport: { width: 390, height: 844 }, permissions: ['camera'] });
      ctx.setDefaultTimeout(10_000);
      const police = await policePage('police-camera', ctx);
      await police.getByRole('button', { name: 'Scan with the camera' }).click();
      // The page decodes the camera's frames itself: seconds when quiet, far longer beside other
      // journeys on a busy machine. The wait is for the event, not a speed goal.
      await eventually(async () => (await police.locator('#result-word').textContent()) === '✓ Valid', 'the camera scan to say valid', 90_000)
        .catch(async (error) => {
          // Say what the page showed instead (the status line, or a result other than valid).
          throw new Error(`${error.message}; the page said: ${(await police.locator('main').innerText()).slice(0, 500)}`);
        });
      const result = await police.locator('#result').textContent();
      expect(result).toContain('Gus Citizen');
      expect(result).toContain('Oak House Care Home');
      await shot(police, '08-police-valid');
      await axe(police, 'police');
    } finally {
      await cameraBrowser.close();
    }
  });

  test('the police check by typed number (valid) and a tampered QR code (not valid)', async () => {
    const { passId, payload } = await approvedPass('Hal Citizen');
    const police = await policePage('police');
    await police.getByRole('textbox', { name: 'Pass number' }).fill(passId.toLowerCase().replace(/-/g, ' '));
    await police.getByRole('button', { name: 'Check', exact: true }).click();
    await eventually(async () => (await police.locator('#result-word').textContent()) === '✓ Valid', 'the typed number to be valid');

    // One character of the signature changed: the signature no longer matches.
    const at = payload.length - 20;
    const tampered = `${payload.slice(0, at)}${payload[at] === '0' ? '1' : '0'}${payload.slice(at + 1)}`;
    await police.getByText('Hand-held scanner or QR text').click();
    await police.getByRole('textbox', { name: 'QR code text' }).fill(tampered);
    await police.getByRole('button', { name: 'Check this QR text' }).click();
    await eventually(async () => (await police.locator('#result-word').textContent()) === '✗ Not valid', 'the tampered code to be refused');
    expect(await police.locator('#result-text').textContent()).toContain('altered or forged');
    expect(await police.locator('#result-details').textContent()).toBe('');
    await shot(police, '09-police-tampered');
    await axe(police, 'police-invalid');
  });

  test('the dashboard shows the counts by status, reason, district and day', async () => {
    await local.settle();
    const before = (await api('local-admin', 'GET', '/stats')).totals;
    // Two passes from north (medical by the rules, other by a reviewer) and three checks.
    const { passId, payload } = await approvedPass('Ivy Citizen');
    const citizen = await registered('Jo Citizen');
    const other = await applied(citizen, 'other');
    await statusOf(citizen, other, 'needs-review');
    await api('local-reviewer', 'POST', `/passes/${other}/decision`, { decision: 'approve', reason: 'Care home move confirmed' });
    for (const presented of [{ qr: payload }, { passNumber: passId }, { passNumber: other }]) {
      await api('local-police', 'POST', '/verify', { ...presented, checkpoint: 'Dashboard test' });
    }
    await local.settle();

    const admin = watch(await (await context({ width: 1280, height: 1100 })).newPage(), 'dashboard');
    await admin.goto(`${local.url}dashboard.html`);
    await admin.getByRole('button', { name: 'Sign in as Ann Admin' }).click();
    const tile = async (kind: string) => Number(await admin.locator(`[data-tile="${kind}"] .tile-value`).textContent());
    await eventually(async () => (await tile('checks')) === before.checks + 3, 'three more checks counted');
    expect(await tile('total')).toBe(before.applied + 2);
    expect(await tile('approved')).toBe((before.byStatus.approved ?? 0) + 2);
    expect(await tile('needs-review')).toBe(before.byStatus['needs-review'] ?? 0);
    expect(await admin.locator('#c-reason-desc').textContent()).toContain(`Medical: ${(before.byReason.medical ?? 0) + 1}`);
    expect(await admin.locator('#c-reason-desc').textContent()).toContain(`Other: ${(before.byReason.other ?? 0) + 1}`);
    expect(await admin.locator('#c-district-desc').textContent()).toContain(`North: ${(before.byDistrict.north ?? 0) + 2}`);
    await shot(admin, '10-dashboard');
    await axe(admin, 'dashboard');
  });

  test('the pages have no inline script or style, and each is served with the Content-Security-Policy', async () => {
    for (const page of ['', 'police.html', 'review.html', 'dashboard.html']) {
      const res = await fetch(`${local.url}${page}`);
      expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'self';/);
      const html = await res.text();
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    }
  });
});
