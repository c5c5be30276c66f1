import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import * as QRCode from 'qrcode';

/**
 * What the examples' browser journeys share: the Chromium tools/setup.sh installs and its flags,
 * waiting for a page to get somewhere, and a record of each test's pages (what broke the
 * Content-Security-Policy or threw, axe-core's violations, screenshots).
 */

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Width and height of the fake camera's frames. */
const CAMERA = { width: 640, height: 480 };

/** One frame's luminance (Y plane): `payload`'s QR code in `maskPattern`, black on white, centred with its quiet zone. */
export function qrFrame(payload: string, errorCorrectionLevel: QRCode.QRCodeErrorCorrectionLevel, maskPattern: QRCode.QRCodeMaskPattern): Buffer {
  const { width: w, height: h } = CAMERA;
  const qr = QRCode.create(payload, { errorCorrectionLevel, maskPattern });
  const n = qr.modules.size;
  const scale = Math.floor((h - 40) / (n + 8));
  const x0 = Math.floor((w - n * scale) / 2);
  const y0 = Math.floor((h - n * scale) / 2);
  const y = Buffer.alloc(w * h, 235);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (!qr.modules.get(r, c)) continue;
      for (let dy = 0; dy < scale; dy++) y.fill(16, (y0 + r * scale + dy) * w + x0 + c * scale, (y0 + r * scale + dy) * w + x0 + (c + 1) * scale);
    }
  }
  return y;
}

/** The eight QR mask patterns. */
export const QR_MASK_PATTERNS: QRCode.QRCodeMaskPattern[] = [0, 1, 2, 3, 4, 5, 6, 7];

/**
 * Write a Y4M video (what Chromium's fake camera plays, `--use-file-for-fake-video-capture`)
 * showing `payload` as a QR code: one frame per mask pattern, played in a loop. ZXing, which the
 * pages scan with, misses a few percent of codes in one such synthetic frame ("dimensions could
 * not be found"), and the same frame again every time: a journey's random code then never scans.
 * Some mask of the eight is always read (test/support/browser.test.ts).
 */
export function writeQrCameraVideo(payload: string, file: string, errorCorrectionLevel: QRCode.QRCodeErrorCorrectionLevel): void {
  const { width: w, height: h } = CAMERA;
  const chroma = Buffer.alloc((w / 2) * (h / 2), 128);
  const frames = QR_MASK_PATTERNS.map((mask) => Buffer.concat([Buffer.from('FRAME\n'), qrFrame(payload, errorCorrectionLevel, mask), chroma, chroma]));
  fs.writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${w} H${h} F5:1 Ip A1:1 C420jpeg\n`), ...frames]));
}

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
