/**
 * A picture of a synthesized CloudWatch dashboard's layout: every AWS::CloudWatch::Dashboard of the
 * templates under a cloud assembly is rendered from its body JSON into an HTML page (widgets at
 * their grid position and size, titles, metric labels, annotations) and a PNG screenshot of it
 * (headless Chromium through playwright-core). Graphs show the layout, not data: lines are drawn
 * from a fixed seed.
 *
 *   npx projen synth:examples pass
 *   npx ts-node --swc tools/dashboard-preview.ts cdk.out/pass docs/monitoring
 *
 * Writes <out>/<dashboard name>.html (every widget) and .png (its top 1400 pixels). CHROMIUM names the browser (default /usr/bin/chromium).
 */
import * as fs from 'fs';
import * as path from 'path';
import { chromium } from 'playwright-core';

const UNIT = 38; // pixels per dashboard grid row; 24 columns over WIDTH
const WIDTH = 1600;
const PICTURE_HEIGHT = 1400;

interface Widget {
  readonly type: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: Record<string, any>;
}

/** Template values with references shown as <Ref> and <GetAtt> (their values are known at deployment). */
function flat(v: any): string {
  if (typeof v === 'string') return v;
  if (v['Fn::Join']) return v['Fn::Join'][1].map(flat).join(v['Fn::Join'][0]);
  if (v.Ref) return `<${v.Ref}>`;
  if (v['Fn::GetAtt']) return `<${[].concat(v['Fn::GetAtt']).join('.')}>`;
  if (v['Fn::ImportValue']) return `<${flat(v['Fn::ImportValue']).replace(/^.*:ExportsOutput/, '')}>`;
  return `<${Object.keys(v)[0]}>`;
}

function dashboards(dir: string): Array<{ name: string; body: { widgets: Widget[] } }> {
  const out: Array<{ name: string; body: { widgets: Widget[] } }> = [];
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.template.json')) continue;
    const template = JSON.parse(fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf-8'));
    for (const [id, r] of Object.entries<any>(template.Resources ?? {})) {
      if (r.Type !== 'AWS::CloudWatch::Dashboard') continue;
      const name = r.Properties.DashboardName ? flat(r.Properties.DashboardName) : id;
      out.push({ name, body: JSON.parse(flat(r.Properties.DashboardBody)) });
    }
  }
  return out;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function markdown(md: string): string {
  return md.split('\n').map((line) => {
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    const text = esc(h ? h[2] : line).replace(/\*\*(.+?)\*\*/g, '<b>$1</b>').replace(/\[(.+?)\]\((.+?)\)/g, '<u>$1</u>');
    return h ? `<h${h[1].length}>${text}</h${h[1].length}>` : `<p>${text}</p>`;
  }).join('');
}

/** The label of one metric entry: its options' label, or its name and first dimension value. */
function labelOf(entry: any[]): string {
  const options = typeof entry[entry.length - 1] === 'object' && !Array.isArray(entry[entry.length - 1]) ? entry[entry.length - 1] : {};
  if (options.label) return options.label;
  if (options.expression) return options.expression;
  const parts = entry.filter((p) => typeof p === 'string');
  return parts.length > 1 ? `${parts[1]}${parts[3] ? ` ${parts[3]}` : ''}` : parts.join(' ');
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

/** A deterministic line per series, so the picture is the same on every run. */
function sparkline(seed: number, w: number, h: number, color: string): string {
  let s = seed * 9301 + 49297;
  const points: string[] = [];
  for (let i = 0; i <= 40; i++) {
    s = (s * 9301 + 49297) % 233280;
    const y = h * (0.25 + 0.5 * (0.5 + 0.5 * Math.sin(i / 5 + seed)) * (0.7 + 0.3 * (s / 233280)));
    points.push(`${((i / 40) * w).toFixed(1)},${y.toFixed(1)}`);
  }
  return `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${points.join(' ')}"/>`;
}

function widgetHtml(w: Widget, index: number): string {
  const style = `left:${(w.x / 24) * 100}%;top:${w.y * UNIT}px;width:calc(${(w.width / 24) * 100}% - 8px);height:${w.height * UNIT - 8}px`;
  const p = w.properties;
  if (w.type === 'text') return `<div class="w text" style="${style}">${markdown(p.markdown ?? '')}</div>`;
  if (w.type === 'alarm') {
    const alarms = (p.alarms ?? []).map((a: string) => `<li>${esc(a.split(':').pop() ?? a)}</li>`).join('');
    return `<div class="w" style="${style}"><div class="t">${esc(p.title ?? 'Alarms')}</div><ul class="alarms">${alarms}</ul></div>`;
  }
  const metrics: any[][] = p.metrics ?? [];
  const labels = metrics.map(labelOf);
  const annotations = [...(p.annotations?.horizontal ?? [])].map((a: any) => a.label ?? String(a.value));
  const chartH = Math.max(w.height * UNIT - 70, 30);
  const lines = p.view === 'singleValue'
    ? labels.map((l: string, i: number) => `<div class="sv"><span>${esc(l)}</span><b>${(i + 1) * 7}</b></div>`).join('')
    : `<svg viewBox="0 0 400 ${chartH}" preserveAspectRatio="none" style="width:100%;height:${chartH}px">`
      + (annotations.length ? `<line x1="0" x2="400" y1="${chartH * 0.15}" y2="${chartH * 0.15}" stroke="#d62728" stroke-dasharray="4 3"/>` : '')
      + labels.map((_l: string, i: number) => sparkline(index * 7 + i, 400, chartH, COLORS[i % COLORS.length])).join('') + '</svg>';
  const legend = labels.map((l: string, i: number) => `<span><i style="background:${COLORS[i % COLORS.length]}"></i>${esc(l)}</span>`).join('')
    + annotations.map((a: string) => `<span class="ann">— ${esc(a)}</span>`).join('');
  return `<div class="w" style="${style}"><div class="t">${esc(p.title ?? '')}</div>${lines}<div class="legend">${legend}</div></div>`;
}

function page(name: string, widgets: Widget[]): string {
  const height = Math.max(...widgets.map((w) => (w.y + w.height) * UNIT), UNIT);
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(name)}</title><style>
body{margin:0;background:#f2f3f3;font:12px/1.3 "Amazon Ember",Arial,sans-serif;color:#16191f}
header{padding:10px 16px;background:#232f3e;color:#fff;font-size:15px}
header small{color:#aab7b8;margin-left:12px;font-size:12px}
.grid{position:relative;margin:8px;height:${height}px}
.w{position:absolute;box-sizing:border-box;background:#fff;border:1px solid #d5dbdb;border-radius:3px;padding:6px 8px;overflow:hidden}
.text{background:transparent;border:none}.text h3{margin:8px 0 0;font-size:16px}.text p{margin:2px 0}
.t{font-weight:bold;margin-bottom:4px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.legend{display:flex;flex-wrap:wrap;gap:2px 10px;margin-top:2px;color:#545b64}
.legend i{display:inline-block;width:10px;height:3px;margin-right:4px;vertical-align:middle}
.ann{color:#d62728}.sv{display:inline-block;margin-right:16px}.sv b{display:block;font-size:22px}
.alarms{margin:0;padding-left:16px}
</style></head><body><header>${esc(name)}<small>layout preview from the synthesized dashboard body: graphs show the layout, not data</small></header>
<div class="grid">${widgets.map(widgetHtml).join('')}</div></body></html>`;
}

async function main(): Promise<void> {
  const [dir, out] = process.argv.slice(2);
  if (!dir || !out) throw new Error('usage: dashboard-preview.ts <cloud assembly dir> <output dir>');
  const found = dashboards(dir);
  if (found.length === 0) throw new Error(`no AWS::CloudWatch::Dashboard in the templates under ${dir}`);
  fs.mkdirSync(out, { recursive: true });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' });
  try {
    for (const d of found) {
      const file = d.name.replace(/[^A-Za-z0-9_-]/g, '-');
      const html = page(d.name, d.body.widgets);
      fs.writeFileSync(path.join(out, `${file}.html`), html);
      const tab = await browser.newPage({ viewport: { width: WIDTH, height: 900 } });
      await tab.setContent(html);
      // The PNG shows the top of the dashboard (golden signals, service metrics, first segments); the HTML has all of it.
      await tab.screenshot({ path: path.join(out, `${file}.png`), clip: { x: 0, y: 0, width: WIDTH, height: PICTURE_HEIGHT } });
      await tab.close();
      console.log(`${d.name}: ${d.body.widgets.length} widgets -> ${path.join(out, `${file}.html`)}, .png`);
    }
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
