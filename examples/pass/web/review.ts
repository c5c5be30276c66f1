import { DecisionBody } from '../domain/model';
import { ApiError, PassApi } from './lib/api';
import { DISTRICTS, ID_TYPE_LABELS, REASON_LABELS } from './lib/choices';
import { loadConfig } from './lib/config';
import { byId, el, when } from './lib/dom';
import { signIn } from './lib/shell';

/** The reviewer's page: the queue of passes waiting for a person, approve or reject with a reason. */

interface Pass {
  passId: string;
  holderName: string;
  travellers: { name: string; nationalIdType: string; nationalIdNumber: string }[];
  from: { address: string; district: string };
  to: { address: string; district: string };
  startTime: string;
  endTime: string;
  durationMinutes: number;
  reason: string;
  note?: string;
  vehicle?: { registration: string; kind: string };
  createdAt: string;
  decisionReason?: string;
}

const status = byId('page-status');
const say = (message: string, isError = false) => {
  status.textContent = message;
  status.classList.toggle('is-error', isError);
};

const place = (p: { address: string; district: string }) => `${p.address} (${DISTRICTS[p.district] ?? p.district})`;

async function main(): Promise<void> {
  const config = await loadConfig();
  const { session } = await signIn(config, 'reviewer');
  const api = new PassApi(config.apiBaseUrl, () => session.token);
  byId('queue').hidden = false;
  byId('reload').addEventListener('click', () => { void load(api); });
  await load(api);
}

async function load(api: PassApi): Promise<void> {
  let passes: Pass[];
  try {
    passes = (await api.call<{ passes: Pass[] }>('GET', '/review-queue')).passes;
  } catch (error) {
    say(error instanceof ApiError ? error.message : String(error), true);
    return;
  }
  byId('queue-count').textContent = String(passes.length);
  byId('queue-empty').hidden = passes.length > 0;
  byId('queue-list').replaceChildren(...passes.map((p) => card(api, p)));
}

function card(api: PassApi, pass: Pass): HTMLElement {
  const idp = `d-${pass.passId}`;
  const reason = el('textarea', { 'id': `${idp}-reason`, 'rows': '2', 'aria-describedby': `${idp}-error` });
  const error = el('p', { id: `${idp}-error`, class: 'field-error', role: 'alert' });
  const approve = el('button', { type: 'button', class: 'primary small' }, 'Approve');
  const reject = el('button', { type: 'button', class: 'danger small' }, 'Reject');
  const item = el('li', { 'class': 'review card', 'data-pass': pass.passId },
    el('div', { class: 'pass-head' }, el('h3', { class: 'pass-number' }, pass.passId), el('span', { class: 'badge status-needs-review' }, REASON_LABELS[pass.reason] ?? pass.reason)),
    el('dl', { class: 'details' },
      el('dt', {}, 'Applicant'), el('dd', {}, pass.holderName),
      el('dt', {}, 'Travellers'), el('dd', {}, pass.travellers.map((t) => `${t.name} (${ID_TYPE_LABELS[t.nationalIdType] ?? t.nationalIdType} ${t.nationalIdNumber})`).join('; ')),
      el('dt', {}, 'Route'), el('dd', {}, `${place(pass.from)} → ${place(pass.to)}`),
      el('dt', {}, 'When'), el('dd', {}, `${when(pass.startTime)} for ${pass.durationMinutes} minutes`),
      ...(pass.note ? [el('dt', {}, 'Details'), el('dd', {}, pass.note)] : []),
      ...(pass.vehicle ? [el('dt', {}, 'Vehicle'), el('dd', {}, `${pass.vehicle.registration} (${pass.vehicle.kind})`)] : []),
      el('dt', {}, 'Rules said'), el('dd', {}, pass.decisionReason ?? '—'),
      el('dt', {}, 'Applied'), el('dd', {}, when(pass.createdAt))),
    el('div', { class: 'field' }, el('label', { for: reason.id }, `Reason for your decision on ${pass.passId}`), reason, error),
    el('div', { class: 'actions' }, approve, reject));

  const decide = async (decision: 'approve' | 'reject') => {
    const body = { decision, reason: reason.value.trim() };
    const checked = DecisionBody.safeParse(body);
    error.textContent = '';
    reason.removeAttribute('aria-invalid');
    if (!checked.success) {
      error.textContent = `Reason: ${checked.error.issues[0].message}`;
      reason.setAttribute('aria-invalid', 'true');
      reason.focus();
      return;
    }
    approve.disabled = reject.disabled = true;
    try {
      await api.call('POST', `/passes/${encodeURIComponent(pass.passId)}/decision`, body);
      say(`Pass ${pass.passId} ${decision === 'approve' ? 'approved' : 'rejected'}.`);
      item.remove();
      const left = byId('queue-list').children.length;
      byId('queue-count').textContent = String(left);
      byId('queue-empty').hidden = left > 0;
    } catch (e) {
      error.textContent = e instanceof ApiError ? e.message : String(e);
      approve.disabled = reject.disabled = false;
    }
  };
  approve.addEventListener('click', () => { void decide('approve'); });
  reject.addEventListener('click', () => { void decide('reject'); });
  return item;
}

main().catch((error) => say(`The page could not start: ${error instanceof Error ? error.message : String(error)}`, true));
