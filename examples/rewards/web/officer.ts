import { BrowserQRCodeReader, type IScannerControls } from '@zxing/browser';
import { ApiError, Balance, newTransactionId, RewardsApi, TransactionOutcome } from './lib/api';
import { loadConfig } from './lib/config';
import { byId, points } from './lib/dom';
import { History } from './lib/history';
import { PositionSender } from './lib/positions';
import { signIn } from './lib/shell';

/**
 * The officer's page: share the location for 15 minutes (PUT/GET /sharing, with a countdown) and
 * send positions from the device while sharing, record encounters from a civilian's QR code
 * (camera, or the code pasted), give points to other officers.
 */

interface Sharing { sharing: boolean; expiresAt: string | null; minutes: number }

const status = byId('page-status');
const say = (message: string, isError = false) => {
  status.textContent = message;
  status.classList.toggle('is-error', isError);
};
const messageOf = (error: unknown) => (error instanceof ApiError ? error.message : error instanceof Error ? error.message : String(error));
const OTHER = '__other__';

async function main(): Promise<void> {
  const config = await loadConfig();
  const { session } = await signIn(config, 'officer');
  const api = new RewardsApi(config.apiBaseUrl, () => session.token);
  let me: Balance;
  try {
    me = await api.call<Balance>('GET', '/balance');
  } catch (error) {
    say(messageOf(error), true);
    return;
  }
  byId('app').hidden = false;
  byId('user-id').textContent = me.userId;
  const history = new History(me.userId, byId('history'), byId('history-empty'));
  let known = me.balance;
  const showBalance = () => { byId('balance').textContent = points(known); };
  showBalance();
  const applied = (outcome: TransactionOutcome, text: string) => {
    const delta = outcome.transaction.changes.find((c) => c.party === me.userId)?.delta ?? 0;
    if (!outcome.replayed) {
      known += delta;
      history.add(text, delta);
    }
    showBalance();
  };
  setInterval(() => {
    void api.call<Balance>('GET', '/balance').then((b) => {
      if (b.balance !== known) history.add('Points received', b.balance - known);
      known = b.balance;
      showBalance();
    }, () => undefined);
  }, 5000);

  // Sharing: the API keeps the 15 minutes; the page counts down to its expiresAt.
  const positionStatus = byId('position-status');
  const sender = new PositionSender(api,
    (p) => { positionStatus.textContent = `Position sent at ${new Date(p.timestamp).toLocaleTimeString('en-GB')} (±${Math.round(p.coords.accuracy)} m).`; },
    (m) => { positionStatus.textContent = m; });
  let expiresAt: number | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;
  const start = byId<HTMLButtonElement>('share-start');
  const stop = byId<HTMLButtonElement>('share-stop');
  const show = (s: Sharing) => {
    expiresAt = s.sharing && s.expiresAt ? Date.parse(s.expiresAt) : undefined;
    clearInterval(ticker);
    if (expiresAt) {
      sender.start();
      start.textContent = 'Renew for 15 minutes';
      stop.hidden = false;
      const tick = () => {
        const left = Math.max(0, expiresAt! - Date.now());
        const mm = Math.floor(left / 60_000);
        const ss = Math.floor((left % 60_000) / 1000);
        byId('countdown').textContent = `${mm}:${String(ss).padStart(2, '0')}`;
        if (left === 0) void api.call<Sharing>('GET', '/sharing').then(show, () => show({ sharing: false, expiresAt: null, minutes: s.minutes }));
      };
      byId('sharing-state').textContent = `Sharing your location until ${new Date(expiresAt).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}.`;
      tick();
      ticker = setInterval(tick, 1000);
    } else {
      sender.stop();
      start.textContent = 'Share for 15 minutes';
      stop.hidden = true;
      byId('sharing-state').textContent = 'Not sharing.';
      byId('countdown').textContent = '';
      positionStatus.textContent = '';
    }
  };
  const setSharing = async (sharing: boolean) => {
    try {
      show(await api.call<Sharing>('PUT', '/sharing', { sharing }));
    } catch (error) {
      say(messageOf(error), true);
    }
  };
  start.addEventListener('click', () => { void setSharing(true); });
  stop.addEventListener('click', () => { void setSharing(false); });
  api.call<Sharing>('GET', '/sharing').then(show, (error) => {
    if (!(error instanceof ApiError && error.status === 404)) say(messageOf(error), true);
  });

  // Encounters: the civilian's code, scanned or pasted.
  const result = byId('encounter-result');
  const record = async (code: string) => {
    try {
      const outcome = await api.call<TransactionOutcome>('POST', '/transactions', { kind: 'encounter', transactionId: newTransactionId(), code });
      applied(outcome, 'Encounter with a civilian');
      const mine = outcome.transaction.changes.find((c) => c.party === me.userId)?.delta ?? 0;
      const theirs = outcome.transaction.changes.find((c) => c.party !== me.userId)?.delta ?? 0;
      result.className = 'result is-valid';
      byId('encounter-word').textContent = '✓ Encounter recorded';
      byId('encounter-text').textContent = `You earned ${points(mine)}, the civilian ${points(theirs)} (rules version ${outcome.transaction.rulesVersion}).`;
    } catch (error) {
      result.className = 'result is-invalid';
      byId('encounter-word').textContent = '✗ Not recorded';
      byId('encounter-text').textContent = error instanceof ApiError && error.code === 'CodeUsed' ? 'This code was used already: ask for a new one.' : messageOf(error);
    }
    result.hidden = false;
    result.scrollIntoView({ block: 'center' });
  };
  byId<HTMLFormElement>('code-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = byId<HTMLTextAreaElement>('code-input');
    const code = input.value.trim();
    if (!code) {
      say('Paste the civilian\'s code first.', true);
      return;
    }
    input.value = '';
    void record(code);
  });

  const video = byId<HTMLVideoElement>('camera');
  const scan = byId<HTMLButtonElement>('scan-button');
  const scanStop = byId<HTMLButtonElement>('scan-stop');
  let controls: IScannerControls | undefined;
  const stopCamera = () => {
    controls?.stop();
    controls = undefined;
    video.hidden = true;
    scanStop.hidden = true;
    scan.hidden = false;
  };
  scanStop.addEventListener('click', stopCamera);
  scan.addEventListener('click', () => {
    void (async () => {
      try {
        scan.hidden = true;
        scanStop.hidden = false;
        video.hidden = false;
        say('Point the camera at the QR code.');
        // A code already in view can be decoded before decodeFromVideoDevice resolves: a flag of its own.
        let read = false;
        controls = await new BrowserQRCodeReader().decodeFromVideoDevice(undefined, video, (found, _error, scanner) => {
          if (!found || read) return;
          read = true;
          scanner.stop();
          stopCamera();
          say('');
          void record(found.getText());
        });
        if (read) stopCamera();
      } catch (error) {
        stopCamera();
        say(`The camera cannot be used (${messageOf(error)}). Paste the code instead.`, true);
      }
    })();
  });

  // Giveaways to other officers.
  const officers = (config.directory ?? []).filter((u) => u.kind === 'officer' && u.userId !== me.userId);
  const to = byId<HTMLSelectElement>('giveaway-to');
  to.replaceChildren(...officers.map((o) => new Option(o.name, o.userId)), new Option('Another officer (type their user id)', OTHER));
  const showTyped = () => { byId('giveaway-id-field').hidden = to.value !== OTHER; };
  to.addEventListener('change', showTyped);
  showTyped();
  const error = byId('giveaway-error');
  byId<HTMLFormElement>('giveaway-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void (async () => {
      error.textContent = '';
      const officerId = to.value === OTHER ? byId<HTMLInputElement>('giveaway-id').value.trim() : to.value;
      const units = Number(byId<HTMLInputElement>('giveaway-points').value);
      if (!officerId || !Number.isInteger(units) || units < 1) {
        error.textContent = 'Choose an officer and a whole number of points.';
        return;
      }
      const name = officers.find((o) => o.userId === officerId)?.name ?? officerId;
      try {
        applied(await api.call<TransactionOutcome>('POST', '/transactions', { kind: 'giveaway', transactionId: newTransactionId(), officerId, units }), `Given to ${name}`);
        say(`Given to ${name}.`);
      } catch (failure) {
        error.textContent = failure instanceof ApiError && failure.code === 'InsufficientBalance' ? 'You do not have enough points for that.' : messageOf(failure);
      }
    })();
  });
}

main().catch((error) => say(`The page could not start: ${messageOf(error)}`, true));
