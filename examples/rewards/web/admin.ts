import { ApiError, RewardsApi } from './lib/api';
import { loadConfig } from './lib/config';
import { byId, el, when } from './lib/dom';
import { signIn } from './lib/shell';

/** The administrator's page: edit the business rules (a new version each time) and read past versions. */

const KINDS = ['encounter', 'donation', 'giveaway', 'exchange'] as const;
type Kind = typeof KINDS[number];
interface KindRule {
  enabled: boolean;
  fromPointsPerUnit: number;
  toPointsPerUnit: number;
  maxUnits: number;
  window?: { startHour: number; endHour: number };
}
const OFF: KindRule = { enabled: false, fromPointsPerUnit: 0, toPointsPerUnit: 0, maxUnits: 1 };
type RuleSet = Record<Kind, KindRule>;
interface VersionedRules { version: number; rules: RuleSet; updatedAt: string; updatedBy: string }

const KIND_TEXT: Record<Kind, { title: string; from: string; to: string }> = {
  encounter: { title: 'Encounter (officer records a civilian\'s code)', from: 'Civilian gets', to: 'Officer gets' },
  donation: { title: 'Donation (to a charity or family)', from: 'Donor pays', to: 'Recipient gets' },
  giveaway: { title: 'Giveaway (officer to officer)', from: 'Giver pays', to: 'Officer gets' },
  exchange: { title: 'Exchange (civilian buys goods)', from: 'Civilian pays', to: 'Merchant gets' },
};

const status = byId('page-status');
const say = (message: string, isError = false) => {
  status.textContent = message;
  status.classList.toggle('is-error', isError);
};
const messageOf = (error: unknown) => (error instanceof ApiError ? error.message : error instanceof Error ? error.message : String(error));

/** The editor of one kind: enabled, both parties' points per unit, the most units. */
function ruleRow(kind: Kind, rule: KindRule): HTMLElement {
  const id = (f: string) => `${kind}-${f}`;
  const number = (f: string, label: string, value: number, min: number, max: number) => el('div', { class: 'field' },
    el('label', { for: id(f) }, label),
    el('input', { id: id(f), type: 'number', inputmode: 'numeric', step: '1', min: String(min), max: String(max), value: String(value) }));
  const enabled = el('input', { id: id('enabled'), type: 'checkbox' });
  enabled.checked = rule.enabled;
  return el('fieldset', { 'class': 'rule', 'data-kind': kind },
    el('legend', {}, KIND_TEXT[kind].title),
    el('div', { class: 'check' }, enabled, el('label', { for: id('enabled') }, 'Accepted')),
    el('div', { class: 'row' },
      number('from', `${KIND_TEXT[kind].from} (per unit)`, rule.fromPointsPerUnit, -10_000, 10_000),
      number('to', `${KIND_TEXT[kind].to} (per unit)`, rule.toPointsPerUnit, -10_000, 10_000),
      number('max', 'Most units', rule.maxUnits, 1, 10_000)));
}

function readRow(kind: Kind, previous: KindRule): KindRule {
  const n = (f: string) => Number(byId<HTMLInputElement>(`${kind}-${f}`).value);
  return {
    enabled: byId<HTMLInputElement>(`${kind}-enabled`).checked,
    fromPointsPerUnit: n('from'),
    toPointsPerUnit: n('to'),
    maxUnits: n('max'),
    ...(previous.window ? { window: previous.window } : {}),
  };
}

function summary(rules: RuleSet): string {
  return KINDS.map((k) => `${k} ${rules[k].enabled ? `${rules[k].fromPointsPerUnit >= 0 ? '+' : ''}${rules[k].fromPointsPerUnit}/${rules[k].toPointsPerUnit >= 0 ? '+' : ''}${rules[k].toPointsPerUnit}` : 'off'}`).join(' · ');
}

async function main(): Promise<void> {
  const config = await loadConfig();
  const { session } = await signIn(config, 'admin');
  const api = new RewardsApi(config.apiBaseUrl, () => session.token);
  byId('app').hidden = false;
  let current: VersionedRules | undefined;

  const load = async () => {
    try {
      current = await api.call<VersionedRules>('GET', '/rules');
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
      current = undefined;
    }
    const rules: RuleSet = current?.rules ?? Object.fromEntries(KINDS.map((k) => [k, OFF])) as RuleSet;
    byId('rules-version').textContent = current ? `version ${current.version}` : 'none yet';
    byId('rules-meta').textContent = current ? `Saved ${when(current.updatedAt)} by ${current.updatedBy}.` : 'No rules yet: saving creates version 1.';
    byId('rule-rows').replaceChildren(...KINDS.map((k) => ruleRow(k, rules[k])));
    const versions = current ? await Promise.all(Array.from({ length: Math.min(current.version, 10) }, (_, i) => current!.version - i)
      .map((v) => (v === current!.version ? Promise.resolve(current!) : api.call<VersionedRules>('GET', `/rules/${v}`)))) : [];
    byId('versions').replaceChildren(...versions.map((v) => el('li', { class: 'version' },
      el('span', { class: 'badge' }, `v${v.version}`), ' ',
      el('span', {}, summary(v.rules)),
      el('span', { class: 'hint' }, ` · ${when(v.updatedAt)} · ${v.updatedBy}`))));
  };

  const error = byId('rules-error');
  byId<HTMLFormElement>('rules-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void (async () => {
      error.textContent = '';
      const previous = current?.rules;
      const rules = Object.fromEntries(KINDS.map((k) => [k, readRow(k, previous?.[k] ?? OFF)])) as RuleSet;
      const whole = (r: KindRule) => [r.fromPointsPerUnit, r.toPointsPerUnit, r.maxUnits].every(Number.isInteger) && r.maxUnits >= 1;
      const bad = KINDS.filter((k) => !whole(rules[k]));
      if (bad.length) {
        error.textContent = `Whole numbers only, and at least 1 unit: check ${bad.join(', ')}.`;
        return;
      }
      try {
        const saved = await api.call<VersionedRules>('PUT', '/rules', { expectedVersion: current?.version ?? 0, rules });
        say(`Saved: version ${saved.version} prices every transaction from now on.`);
        await load();
      } catch (failure) {
        if (failure instanceof ApiError && failure.status === 409) {
          error.textContent = 'Someone saved the rules while you were editing: the current version is shown again; make your change on it.';
          await load();
        } else {
          error.textContent = messageOf(failure);
        }
      }
    })();
  });
  await load();
}

main().catch((error) => say(`The page could not start: ${messageOf(error)}`, true));
