import * as QRCode from 'qrcode';
import { ConsentBody, MAX_DURATION_MINUTES, NATIONAL_ID_TYPES, PassBody, REASONS, RegistrationBody, VEHICLE_KINDS } from '../domain/model';
import { ApiError, FieldIssue, newIdempotencyKey, PassApi } from './lib/api';
import { DISTRICTS, fill, ID_TYPE_LABELS, REASON_LABELS } from './lib/choices';
import { loadConfig } from './lib/config';
import { byId, clearIssues, el, showIssues, STATUS_LABELS, when } from './lib/dom';
import { SavedPass, savedPasses, savePass } from './lib/saved-passes';
import { signIn } from './lib/shell';

/** The citizen's page: register, apply, follow the passes, show an approved one as a QR code. */

interface Pass {
  passId: string;
  status: string;
  holderName: string;
  travellers: { kind: string; name: string }[];
  from: { address: string; district: string };
  to: { address: string; district: string };
  startTime: string;
  endTime: string;
  reason: string;
  note?: string;
  decisionReason?: string;
  qr?: { payload: string };
}

interface Registration {
  name: string;
  nationalIdType: string;
  nationalIdNumber: string;
  district: string;
}

const DURATIONS: Record<string, string> = Object.fromEntries(
  [15, 30, 60, 120, 240, 480, 720, MAX_DURATION_MINUTES].map((m) => [String(m), m < 60 ? `${m} minutes` : `${m / 60} hour${m === 60 ? '' : 's'}`]),
);

const status = byId('page-status');
const say = (message: string, isError = false) => {
  status.textContent = message;
  status.classList.toggle('is-error', isError);
};

/** zod's issues as the API's field list (same paths: the server validates with the same schema). */
function issuesOf(error: { issues: { path: PropertyKey[]; message: string }[] }): FieldIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

const value = (id: string) => byId<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(id).value.trim();

/** A `datetime-local` value (the user's local time) for a moment. */
function localInput(date: Date): string {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

async function main(): Promise<void> {
  const config = await loadConfig();
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('sw.js').catch(() => undefined);
  const { session } = await signIn(config, 'citizen');
  const api = new PassApi(config.apiBaseUrl, () => session.token);

  document.querySelectorAll<HTMLSelectElement>('select.district').forEach((s) => fill(s, DISTRICTS, 'Choose…'));
  fill(byId('r-id-type'), Object.fromEntries(NATIONAL_ID_TYPES.map((t) => [t, ID_TYPE_LABELS[t] ?? t])));
  fill(byId('a-reason'), Object.fromEntries(REASONS.map((r) => [r, REASON_LABELS[r] ?? r])), 'Choose…');
  fill(byId('a-duration'), DURATIONS);
  byId<HTMLSelectElement>('a-duration').value = '120';
  fill(byId('a-vehicle-kind'), Object.fromEntries(VEHICLE_KINDS.map((k) => [k, k.charAt(0).toUpperCase() + k.slice(1)])));
  byId<HTMLInputElement>('r-name').value = session.name;

  let registration: Registration | undefined;
  try {
    registration = await api.call<Registration>('GET', '/registrations/me');
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) {
      showSaved();
      say(error instanceof ApiError ? error.message : 'The service cannot be reached.', true);
      return;
    }
  }
  if (!registration) {
    showRegistration(api, (r) => {
      registration = r;
      void showApplication(api, r);
    });
  } else {
    await showApplication(api, registration);
  }
}

function showRegistration(api: PassApi, registered: (r: Registration) => void): void {
  const section = byId('register');
  section.hidden = false;
  const form = byId<HTMLFormElement>('register-form');
  const summary = byId('register-summary');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void (async () => {
      const body = {
        name: value('r-name'),
        dateOfBirth: value('r-dob'),
        nationalIdType: value('r-id-type'),
        nationalIdNumber: value('r-id-number'),
        phone: value('r-phone').replace(/[\s()-]/g, ''),
        district: value('r-district'),
        identityEvidence: value('r-evidence'),
      };
      const checked = RegistrationBody.safeParse(body);
      if (!checked.success) {
        showIssues(form, issuesOf(checked.error), summary);
        return;
      }
      clearIssues(form, summary);
      try {
        const r = await api.call<Registration>('POST', '/registrations', body);
        section.hidden = true;
        say('You are registered. You can apply for a pass now.');
        registered(r);
      } catch (error) {
        if (error instanceof ApiError && error.issues.length) showIssues(form, error.issues, summary);
        else summary.textContent = error instanceof ApiError ? error.message : String(error);
      }
    })();
  });
}

const TRAVELLER_KINDS: Record<string, string> = {
  applicant: 'Me',
  registered: 'A registered person who allows me to list them',
  dependant: 'A child without an identity document',
};

/** One traveller: who (me, a registered person by their document, a child by name and date of birth). */
function travellerRow(index: number, applicantName?: string): HTMLElement {
  const id = (f: string) => `t${index}-${f}`;
  const field = (f: string, label: string, control: HTMLElement, path = `travellers.${index}.${f}`) => {
    control.id = id(f);
    control.dataset.path = path;
    control.dataset.error = `${id(f)}-error`;
    control.setAttribute('aria-describedby', `${id(f)}-error`);
    return el('div', { class: 'field' }, el('label', { for: id(f) }, label), control, el('p', { id: `${id(f)}-error`, class: 'field-error' }));
  };
  const kind = el('select');
  fill(kind, index === 0 ? TRAVELLER_KINDS : Object.fromEntries(Object.entries(TRAVELLER_KINDS).filter(([k]) => k !== 'applicant')));
  const type = el('select');
  fill(type, Object.fromEntries(NATIONAL_ID_TYPES.map((t) => [t, ID_TYPE_LABELS[t] ?? t])));
  const number = el('input', { autocomplete: 'off', spellcheck: 'false' });
  const name = el('input', { autocomplete: 'off' });
  const born = el('input', { type: 'date' });
  const me = el('p', { class: 'hint', id: id('me') }, applicantName ? `${applicantName} (you)` : 'You');
  const registered = el('div', { class: 'row' }, field('nationalIdType', 'Their document', type), field('nationalIdNumber', 'Their document number', number));
  const dependant = el('div', { class: 'row' }, field('name', 'Child\'s full name', name), field('dateOfBirth', 'Child\'s date of birth', born));
  const show = () => {
    me.hidden = kind.value !== 'applicant';
    registered.hidden = kind.value !== 'registered';
    dependant.hidden = kind.value !== 'dependant';
  };
  kind.addEventListener('change', show);
  show();
  return el('div', { 'class': 'traveller', 'role': 'group', 'aria-label': `Traveller ${index + 1}` },
    field('kind', `Traveller ${index + 1}`, kind, `travellers.${index}`), me, registered, dependant);
}

/** The traveller rows as the API takes them. */
function travellersOf(rows: HTMLElement): Record<string, string | undefined>[] {
  return Array.from(rows.children).map((_, i) => {
    const kind = value(`t${i}-kind`);
    if (kind === 'registered') return { kind, nationalIdType: value(`t${i}-nationalIdType`), nationalIdNumber: value(`t${i}-nationalIdNumber`) };
    if (kind === 'dependant') return { kind, name: value(`t${i}-name`), dateOfBirth: value(`t${i}-dateOfBirth`) };
    return { kind };
  });
}

/** Allow (or stop allowing) the holder of a document to list me as a traveller. */
function showConsents(api: PassApi): void {
  byId('consents').hidden = false;
  const form = byId<HTMLFormElement>('consent-form');
  const summary = byId('consent-summary');
  fill(byId('c-id-type'), Object.fromEntries(NATIONAL_ID_TYPES.map((t) => [t, ID_TYPE_LABELS[t] ?? t])));
  const send = async (allow: boolean) => {
    const body = { applicant: { nationalIdType: value('c-id-type'), nationalIdNumber: value('c-id-number') }, allow };
    const checked = ConsentBody.safeParse(body);
    if (!checked.success) {
      showIssues(form, issuesOf(checked.error), summary);
      return;
    }
    clearIssues(form, summary);
    try {
      await api.call('POST', '/consents', checked.data);
      say(allow ? `The holder of ${checked.data.applicant.nationalIdNumber} may list you as a traveller now.` : `The holder of ${checked.data.applicant.nationalIdNumber} can no longer list you.`);
      byId<HTMLInputElement>('c-id-number').value = '';
    } catch (error) {
      if (error instanceof ApiError && error.issues.length) showIssues(form, error.issues, summary);
      else summary.textContent = error instanceof ApiError ? error.message : String(error);
    }
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void send(true);
  });
  byId('consent-withdraw').addEventListener('click', () => { void send(false); });
}

async function showApplication(api: PassApi, registration: Registration): Promise<void> {
  byId('apply').hidden = false;
  byId('passes').hidden = false;
  const form = byId<HTMLFormElement>('apply-form');
  const summary = byId('apply-summary');
  const travellers = byId('travellers');
  const addTraveller = byId<HTMLButtonElement>('add-traveller');
  showConsents(api);
  travellers.append(travellerRow(0, registration.name));
  addTraveller.addEventListener('click', () => {
    const n = travellers.children.length;
    if (n >= 6) return;
    travellers.append(travellerRow(n));
    addTraveller.disabled = n + 1 >= 6;
    travellers.querySelector<HTMLSelectElement>(`#t${n}-kind`)?.focus();
  });
  byId<HTMLSelectElement>('a-from-district').value = registration.district;
  byId<HTMLInputElement>('a-start').value = localInput(new Date());
  const hasVehicle = byId<HTMLInputElement>('a-has-vehicle');
  hasVehicle.addEventListener('change', () => { byId('vehicle-fields').hidden = !hasVehicle.checked; });

  let idempotencyKey = newIdempotencyKey();
  form.addEventListener('input', () => { idempotencyKey = newIdempotencyKey(); });
  const applyButton = byId<HTMLButtonElement>('apply-button');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void (async () => {
      const start = value('a-start');
      const body: Record<string, unknown> = {
        travellers: travellersOf(travellers),
        from: { address: value('a-from'), district: value('a-from-district') },
        to: { address: value('a-to'), district: value('a-to-district') },
        startTime: start ? new Date(start).toISOString() : '',
        durationMinutes: Number(value('a-duration')),
        reason: value('a-reason'),
      };
      if (value('a-note')) body.note = value('a-note');
      if (hasVehicle.checked) body.vehicle = { registration: value('a-vehicle-reg'), kind: value('a-vehicle-kind') };
      const checked = PassBody.safeParse(body);
      if (!checked.success) {
        showIssues(form, issuesOf(checked.error), summary);
        return;
      }
      clearIssues(form, summary);
      applyButton.disabled = true;
      try {
        const pass = await api.call<Pass>('POST', '/passes', body, { 'Idempotency-Key': idempotencyKey });
        idempotencyKey = newIdempotencyKey();
        say(`Application received: pass ${pass.passId}. It is being checked now.`);
        (['a-to', 'a-note'] as const).forEach((id) => { byId<HTMLInputElement>(id).value = ''; });
        await refresh(api);
      } catch (error) {
        if (error instanceof ApiError && error.issues.length) showIssues(form, error.issues, summary);
        else summary.textContent = error instanceof ApiError ? error.message : String(error);
      } finally {
        applyButton.disabled = false;
      }
    })();
  });
  await refresh(api);
}

let polling: ReturnType<typeof setTimeout> | undefined;

async function refresh(api: PassApi): Promise<void> {
  clearTimeout(polling);
  let passes: Pass[];
  try {
    passes = (await api.call<{ passes: Pass[] }>('GET', '/passes')).passes;
  } catch (error) {
    say(error instanceof ApiError ? error.message : String(error), true);
    showSaved();
    return;
  }
  const list = byId('pass-list');
  byId('passes-empty').hidden = passes.length > 0;
  list.replaceChildren(...passes.map((p) => passCard(api, p)));
  // Decisions by the rules arrive within seconds: look again while any is being checked.
  if (passes.some((p) => p.status === 'pending')) polling = setTimeout(() => { void refresh(api); }, 1500);
}

function place(p: { address: string; district: string }): string {
  return `${p.address} (${DISTRICTS[p.district] ?? p.district})`;
}

function passCard(api: PassApi, pass: Pass): HTMLElement {
  const badge = el('span', { class: `badge status-${pass.status}` }, STATUS_LABELS[pass.status] ?? pass.status);
  const item = el('li', { 'class': 'pass', 'data-pass': pass.passId },
    el('div', { class: 'pass-head' }, el('span', { class: 'pass-number' }, pass.passId), badge),
    el('p', {}, `${REASON_LABELS[pass.reason] ?? pass.reason}: ${place(pass.from)} → ${place(pass.to)}`),
    el('p', { class: 'hint' }, `${when(pass.startTime)} to ${when(pass.endTime)} · ${pass.travellers.map((t) => t.name).join(', ')}`),
    pass.status === 'rejected' || pass.status === 'needs-review' || pass.status === 'revoked' ? el('p', { class: 'hint' }, pass.decisionReason) : undefined);
  if (pass.status === 'approved') {
    const show = el('button', { type: 'button', class: 'primary small' }, 'Show QR code');
    show.setAttribute('aria-label', `Show QR code of pass ${pass.passId}`);
    show.addEventListener('click', () => { void openQr(api, pass.passId); });
    item.append(show);
  }
  return item;
}

async function openQr(api: PassApi, passId: string): Promise<void> {
  try {
    const pass = await api.call<Pass>('GET', `/passes/${encodeURIComponent(passId)}`);
    if (!pass.qr) throw new Error('This pass has no QR code');
    const saved: SavedPass = {
      passId: pass.passId,
      payload: pass.qr.payload,
      holderName: pass.holderName,
      travellers: pass.travellers.map((t) => t.name),
      from: place(pass.from),
      to: place(pass.to),
      startTime: pass.startTime,
      endTime: pass.endTime,
    };
    savePass(saved);
    await showQr(saved);
  } catch (error) {
    const stored = savedPasses().find((p) => p.passId === passId);
    if (stored) await showQr(stored);
    else say(error instanceof Error ? error.message : String(error), true);
  }
}

/** The QR code is drawn here from the signed payload: nothing but the payload is needed offline. */
async function showQr(pass: SavedPass): Promise<void> {
  const dialog = byId<HTMLDialogElement>('qr-dialog');
  byId('qr-number').textContent = pass.passId;
  const image = byId<HTMLImageElement>('qr-image');
  image.src = await QRCode.toDataURL(pass.payload, { errorCorrectionLevel: 'M', margin: 2, width: 320 });
  image.alt = `QR code of pass ${pass.passId}`;
  const details = byId('qr-details');
  details.replaceChildren(
    el('dt', {}, 'Holder'), el('dd', {}, pass.holderName),
    el('dt', {}, 'Travellers'), el('dd', {}, pass.travellers.join(', ')),
    el('dt', {}, 'From'), el('dd', {}, pass.from),
    el('dt', {}, 'To'), el('dd', {}, pass.to),
    el('dt', {}, 'Valid'), el('dd', {}, `${when(pass.startTime)} to ${when(pass.endTime)}`),
  );
  const close = byId('qr-close');
  close.onclick = () => dialog.close();
  dialog.showModal();
}

function showSaved(): void {
  const saved = savedPasses();
  if (saved.length === 0) return;
  byId('saved').hidden = false;
  byId('saved-list').replaceChildren(...saved.map((p) => {
    const show = el('button', { type: 'button', class: 'primary small' }, 'Show QR code');
    show.addEventListener('click', () => { void showQr(p); });
    return el('li', { class: 'pass' },
      el('div', { class: 'pass-head' }, el('span', { class: 'pass-number' }, p.passId), el('span', { class: 'badge status-approved' }, 'Approved')),
      el('p', {}, `${p.from} → ${p.to}`),
      el('p', { class: 'hint' }, `${when(p.startTime)} to ${when(p.endTime)}`),
      show);
  }));
}

main().catch((error) => say(`The page could not start: ${error instanceof Error ? error.message : String(error)}`, true));
