// chart.js is an ES module only: loaded with import(), which esbuild bundles into this page.
import type * as ChartJs from 'chart.js' with { 'resolution-mode': 'import' };
import { ApiError, PassApi } from './lib/api';
import { DISTRICTS, REASON_LABELS } from './lib/choices';
import { loadConfig } from './lib/config';
import { byId, el, STATUS_LABELS } from './lib/dom';
import { signIn } from './lib/shell';

/** The management dashboard: passes by status, reason, district and day, from `GET /stats`. */

let Chart: typeof ChartJs.Chart;

/** Only the chart types and parts the dashboard draws (Chart.js is tree-shaken down to them). */
async function loadCharts(): Promise<void> {
  const c = await import('chart.js');
  c.Chart.register(c.ArcElement, c.BarController, c.BarElement, c.CategoryScale, c.DoughnutController, c.Legend, c.LinearScale, c.LineController,
    c.LineElement, c.PointElement, c.Tooltip);
  Chart = c.Chart;
}

interface Counts {
  applied: number;
  byStatus: Record<string, number>;
  byReason: Record<string, number>;
  byDistrict: Record<string, number>;
  checks: number;
  byCheckResult: Record<string, number>;
}
interface Stats { days: (Counts & { day: string })[]; totals: Counts }

const STATUS_COLOURS: Record<string, string> = {
  'approved': '#1a7f37', 'needs-review': '#b35900', 'rejected': '#c62828', 'pending': '#6b7280', 'revoked': '#6a1b9a',
};
const BLUE = '#1d5fbf';
const TEAL = '#00796b';

const status = byId('page-status');
const charts: { destroy(): void }[] = [];

async function main(): Promise<void> {
  const config = await loadConfig();
  const { session } = await signIn(config, 'admin');
  const api = new PassApi(config.apiBaseUrl, () => session.token);
  await loadCharts();
  byId('board').hidden = false;
  Chart.defaults.animation = false;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = '#1f2933';
  Chart.defaults.maintainAspectRatio = false;

  const today = new Date().toISOString().slice(0, 10);
  const from = byId<HTMLInputElement>('from');
  const to = byId<HTMLInputElement>('to');
  to.value = today;
  from.value = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
  byId<HTMLFormElement>('range-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void load(api, from.value, to.value);
  });
  await load(api, from.value, to.value);
  // The counters move as passes are decided: refresh every half minute.
  setInterval(() => { void load(api, from.value, to.value); }, 30_000);
}

async function load(api: PassApi, from: string, to: string): Promise<void> {
  let stats: Stats;
  try {
    stats = await api.call<Stats>('GET', `/stats?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    byId('range-error').textContent = '';
  } catch (error) {
    const message = error instanceof ApiError ? [error.message, ...error.issues.map((i) => `${i.path}: ${i.message}`)].join(' ') : String(error);
    byId('range-error').textContent = message;
    return;
  }
  render(stats);
  status.textContent = `Updated ${new Date().toLocaleTimeString('en-GB')}.`;
}

function describe(canvasId: string, labels: string[], values: number[]): void {
  byId(`${canvasId}-desc`).textContent = labels.map((l, i) => `${l}: ${values[i]}`).join(', ') || 'No data yet.';
}

function chart(canvasId: string, config: ChartJs.ChartConfiguration): void {
  charts.push(new Chart(byId<HTMLCanvasElement>(canvasId), config));
}

function render(stats: Stats): void {
  const t = stats.totals;
  const tiles: [string, number, string][] = [
    ['Applications', t.applied, 'total'],
    ['Approved', t.byStatus.approved ?? 0, 'approved'],
    ['Waiting for a reviewer', t.byStatus['needs-review'] ?? 0, 'needs-review'],
    ['Rejected', t.byStatus.rejected ?? 0, 'rejected'],
    ['Roadside checks', t.checks, 'checks'],
  ];
  byId('tiles').replaceChildren(...tiles.map(([label, n, kind]) => el('li', { 'class': `tile tile-${kind}`, 'data-tile': kind },
    el('span', { class: 'tile-value' }, String(n)), el('span', { class: 'tile-label' }, label))));

  charts.splice(0).forEach((c) => c.destroy());
  const statuses = Object.keys(t.byStatus).filter((s) => t.byStatus[s] > 0);
  const statusLabels = statuses.map((s) => STATUS_LABELS[s] ?? s);
  const statusValues = statuses.map((s) => t.byStatus[s]);
  chart('c-status', {
    type: 'doughnut',
    data: { labels: statusLabels, datasets: [{ data: statusValues, backgroundColor: statuses.map((s) => STATUS_COLOURS[s] ?? '#999') }] },
    options: { plugins: { legend: { position: 'right' } } },
  });
  describe('c-status', statusLabels, statusValues);

  const reasons = Object.keys(REASON_LABELS);
  const reasonValues = reasons.map((r) => t.byReason[r] ?? 0);
  chart('c-reason', {
    type: 'bar',
    data: { labels: reasons.map((r) => REASON_LABELS[r]), datasets: [{ label: 'Applications', data: reasonValues, backgroundColor: BLUE }] },
    options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  describe('c-reason', reasons.map((r) => REASON_LABELS[r]), reasonValues);

  const districts = Object.keys(t.byDistrict).sort((a, b) => t.byDistrict[b] - t.byDistrict[a]);
  const districtLabels = districts.map((d) => DISTRICTS[d] ?? d);
  const districtValues = districts.map((d) => t.byDistrict[d]);
  chart('c-district', {
    type: 'bar',
    data: { labels: districtLabels, datasets: [{ label: 'Applications', data: districtValues, backgroundColor: TEAL }] },
    options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  describe('c-district', districtLabels, districtValues);

  const days = stats.days.map((d) => d.day.slice(5));
  chart('c-day', {
    type: 'bar',
    data: {
      labels: days,
      datasets: [
        ...['approved', 'needs-review', 'rejected'].map((s) => ({ type: 'bar' as const, label: STATUS_LABELS[s], data: stats.days.map((d) => d.byStatus[s] ?? 0), backgroundColor: STATUS_COLOURS[s], stack: 'passes' })),
        { type: 'line' as const, label: 'Checks', data: stats.days.map((d) => d.checks), borderColor: BLUE, backgroundColor: BLUE },
      ],
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
  });
  describe('c-day', stats.days.map((d) => d.day), stats.days.map((d) => d.applied));

  const table = byId<HTMLTableElement>('day-table');
  const columns = ['Day', 'Applications', 'Approved', 'Waiting', 'Rejected', 'Checks'];
  table.replaceChildren(
    el('caption', { class: 'visually-hidden' }, 'Passes and checks by day'),
    el('thead', {}, el('tr', {}, ...columns.map((c) => el('th', { scope: 'col' }, c)))),
    el('tbody', {}, ...stats.days.map((d) => el('tr', {},
      el('th', { scope: 'row' }, d.day),
      ...[d.applied, d.byStatus.approved ?? 0, d.byStatus['needs-review'] ?? 0, d.byStatus.rejected ?? 0, d.checks].map((n) => el('td', {}, String(n)))))),
  );
}

main().catch((error) => { status.textContent = `The page could not start: ${error instanceof Error ? error.message : String(error)}`; });
