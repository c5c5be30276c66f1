import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';

/**
 * What the examples' browser journeys share: the Chromium tools/setup.sh installs and its flags,
 * waiting for a page to get somewhere, and a record of each test's pages (what broke the
 * Content-Security-Policy or threw, axe-core's violations, screenshots).
 */

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Polls `fn` every `everyMs` until it answers true; throws naming `what` after `ms`. */
export async function eventually(fn: () => Promise<boolean>, what: string, ms = 20_000, everyMs = 100): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

/** The pages of a journey: screenshots into `outputDir`, problems per test, axe-core's results for `axe.json`. */
export class JourneyPages {
  /** What broke the Content-Security-Policy or threw in the pages of the running test. */
  public problems: string[] = [];
  /** axe-core's violations (every impact) by page name. */
  public readonly axeResults: Record<string, string[]> = {};

  constructor(private readonly outputDir: string) {}

  /**
   * Registers the journey's per-test check in the calling test file: each test starts with no
   * problems recorded and fails when one of its pages broke the Content-Security-Policy or threw.
   */
  public checkEachTest(): this {
    beforeEach(() => {
      this.problems = [];
    });
    afterEach(() => {
      expect(this.problems).toEqual([]);
    });
    return this;
  }

  /** Records the page's CSP refusals and uncaught errors under `name`. */
  public readonly watch = (page: Page, name: string): Page => {
    page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) this.problems.push(`${name}: ${m.text()}`); });
    page.on('pageerror', (e) => this.problems.push(`${name}: ${String(e)}`));
    return page;
  };

  public readonly shot = async (page: Page, name: string, fullPage = true): Promise<void> => {
    await page.screenshot({ path: path.join(this.outputDir, `${name}.png`), fullPage });
  };

  /** axe-core in the page (evaluated through the DevTools protocol, so the page's CSP stays as it is): no serious or critical violation. */
  public readonly axe = async (page: Page, name: string): Promise<void> => {
    const violations = await page.evaluate(`${AXE_SOURCE};
      axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help })))`) as
      { id: string; impact: string; nodes: number; help: string }[];
    this.axeResults[name] = violations.map((v) => `${v.impact} ${v.id} (${v.nodes}): ${v.help}`);
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
  };

  /** Writes axe.json (every page's violations) next to the screenshots. */
  public writeAxeResults(): void {
    if (Object.keys(this.axeResults).length) fs.writeFileSync(path.join(this.outputDir, 'axe.json'), JSON.stringify(this.axeResults, null, 2));
  }
}
