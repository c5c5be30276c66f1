import * as QRCode from 'qrcode';
import { ApiError, Balance, newTransactionId, RewardsApi, TransactionOutcome } from './lib/api';
import { catalogUrl, loadCatalog } from './lib/catalog';
import { KnownUser, loadConfig, RewardsConfig } from './lib/config';
import { byId, el, points, when } from './lib/dom';
import { History } from './lib/history';
import { PositionSender } from './lib/positions';
import { signIn } from './lib/shell';

/**
 * The civilian's page: points and their history, the encounter code as a QR code, the notice that
 * an officer is near (GET /notifications every 2 s), donations, and goods from a merchant's catalog.
 */

interface Notification { id: string; kind: 'officer-nearby'; at: string; distanceMetres: number }

const NOTIFICATION_POLL_MS = 2000;
const BALANCE_POLL_MS = 3000;
const OTHER = '__other__';

const status = byId('page-status');
const say = (message: string, isError = false) => {
  status.textContent = message;
  status.classList.toggle('is-error', isError);
};
const messageOf = (error: unknown) => (error instanceof ApiError ? error.message : error instanceof Error ? error.message : String(error));

/** A select of the directory's users of some kinds, and "someone else" (a typed user id). */
function fillChoice(select: HTMLSelectElement, users: KnownUser[], otherField: HTMLElement, otherLabel: string): void {
  select.replaceChildren(...users.map((u) => new Option(u.name, u.userId)), new Option(otherLabel, OTHER));
  const show = () => { otherField.hidden = select.value !== OTHER; };
  select.addEventListener('change', show);
  show();
}

function chosen(select: HTMLSelectElement, typed: HTMLInputElement): string {
  return select.value === OTHER ? typed.value.trim() : select.value;
}

async function main(): Promise<void> {
  const config = await loadConfig();
  const { session } = await signIn(config, 'civilian');
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
  const showBalance = (n: number) => { byId('balance').textContent = points(n); };
  showBalance(known);
  let codeShownAt = 0;

  /** The balance as the API has it; a change this page did not make goes into the history. */
  const refreshBalance = async () => {
    try {
      const now = await api.call<Balance>('GET', '/balance');
      if (now.balance !== known) {
        const delta = now.balance - known;
        history.add(delta > 0 && Date.now() - codeShownAt < 10 * 60_000 ? 'Encounter with an officer' : 'Points received', delta);
        known = now.balance;
        if (delta > 0) say(`You earned ${points(delta)}.`);
      }
      showBalance(now.balance);
    } catch { /* the next poll tries again */ }
  };
  setInterval(() => { void refreshBalance(); }, BALANCE_POLL_MS);

  /** A transaction this page made: its change of this user's balance. */
  const applied = (outcome: TransactionOutcome, text: string) => {
    const delta = outcome.transaction.changes.find((c) => c.party === me.userId)?.delta ?? 0;
    if (!outcome.replayed) {
      known += delta;
      history.add(text, delta);
    }
    showBalance(known);
  };

  // Positions, so that an officer within 3 m can be noticed.
  const positionStatus = byId('position-status');
  const sender = new PositionSender(api,
    (p) => { positionStatus.textContent = `Position sent at ${new Date(p.timestamp).toLocaleTimeString('en-GB')} (±${Math.round(p.coords.accuracy)} m).`; },
    (m) => { positionStatus.textContent = m; });
  const send = byId<HTMLInputElement>('send-position');
  send.addEventListener('change', () => {
    if (send.checked) {sender.start();} else {
      sender.stop();
      positionStatus.textContent = 'Not sending your position.';
    }
  });

  // The encounter code: drawn here from the signed code the API issues.
  const showCode = async () => {
    try {
      const issued = await api.call<{ code: string; expiresAt: string }>('POST', '/encounter-codes', {});
      const image = byId<HTMLImageElement>('code-qr');
      image.src = await QRCode.toDataURL(issued.code, { errorCorrectionLevel: 'M', margin: 2, width: 320 });
      image.alt = 'Your encounter code as a QR code';
      byId('code-expires').textContent = when(issued.expiresAt);
      byId('code-text').textContent = issued.code;
      byId('code-box').hidden = false;
      codeShownAt = Date.now();
      byId('code-box').scrollIntoView({ block: 'center' });
    } catch (error) {
      say(messageOf(error), true);
    }
  };
  byId('code-button').addEventListener('click', () => { void showCode(); });
  byId('nearby-show').addEventListener('click', () => {
    byId('nearby').hidden = true;
    void showCode();
  });

  // Nearby officers: polled every 2 s (the API is REST only).
  const seen = new Set<string>();
  let since: string | undefined;
  const poll = async () => {
    try {
      const { notifications } = await api.call<{ notifications: Notification[] }>('GET', `/notifications${since ? `?since=${encodeURIComponent(since)}` : ''}`);
      const fresh = notifications.filter((n) => n.kind === 'officer-nearby' && !seen.has(n.id));
      fresh.forEach((n) => seen.add(n.id));
      if (notifications.length > 0) since = notifications[0].at;
      if (fresh.length > 0) {
        byId('nearby-text').textContent = `A police officer is about ${Math.round(fresh[0].distanceMetres)} m from you (${new Date(fresh[0].at).toLocaleTimeString('en-GB')}). Say hello and show your encounter code: you both earn points.`;
        byId('nearby').hidden = false;
      }
    } catch (error) {
      // A site without the tracking routes (404) stops asking; anything else asks again.
      if (error instanceof ApiError && error.status === 404) return;
    }
    setTimeout(() => { void poll(); }, NOTIFICATION_POLL_MS);
  };
  void poll();

  setUpDonations(config, api, applied);
  setUpShop(config, api, applied);
}

function setUpDonations(config: RewardsConfig, api: RewardsApi, applied: (o: TransactionOutcome, text: string) => void): void {
  const recipients = (config.directory ?? []).filter((u) => u.kind === 'charity' || u.kind === 'family');
  const to = byId<HTMLSelectElement>('donate-to');
  const typed = byId<HTMLInputElement>('donate-id');
  fillChoice(to, recipients, byId('donate-id-field'), 'Someone else (type their user id)');
  const form = byId<HTMLFormElement>('donate-form');
  const error = byId('donate-error');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void (async () => {
      error.textContent = '';
      const recipientId = chosen(to, typed);
      const units = Number(byId<HTMLInputElement>('donate-points').value);
      if (!recipientId || !Number.isInteger(units) || units < 1) {
        error.textContent = 'Choose who to give to and a whole number of points.';
        return;
      }
      const name = recipients.find((r) => r.userId === recipientId)?.name ?? recipientId;
      try {
        const outcome = await api.call<TransactionOutcome>('POST', '/transactions', { kind: 'donation', transactionId: newTransactionId(), recipientId, units });
        applied(outcome, `Donation to ${name}`);
        say(`Thank you: ${name} received ${points(outcome.transaction.changes.find((c) => c.party === recipientId)?.delta ?? units)}.`);
      } catch (failure) {
        error.textContent = failure instanceof ApiError && failure.code === 'InsufficientBalance' ? 'You do not have enough points for that.' : messageOf(failure);
      }
    })();
  });
}

function setUpShop(config: RewardsConfig, api: RewardsApi, applied: (o: TransactionOutcome, text: string) => void): void {
  const merchants = (config.directory ?? []).filter((u) => u.kind === 'merchant');
  const select = byId<HTMLSelectElement>('shop-merchant');
  const typed = byId<HTMLInputElement>('shop-id');
  fillChoice(select, merchants, byId('shop-id-field'), 'Another shop (type its user id)');
  const list = byId('goods');
  const shopStatus = byId('shop-status');
  const error = byId('shop-error');
  const base = config.catalogsBaseUrl;
  const show = async () => {
    list.replaceChildren();
    error.textContent = '';
    const merchantId = chosen(select, typed);
    if (!base) {
      shopStatus.textContent = 'Catalogs are not configured for this site.';
      return;
    }
    if (!merchantId) return;
    try {
      const catalog = await loadCatalog(base, merchantId);
      const shopName = catalog.merchantName || merchants.find((m) => m.userId === merchantId)?.name || merchantId;
      shopStatus.textContent = catalog.items.length ? `${shopName}: ${catalog.items.length} item${catalog.items.length === 1 ? '' : 's'}` : `${shopName} has no catalog yet.`;
      list.replaceChildren(...catalog.items.map((item) => {
        const button = el('button', { 'type': 'button', 'class': 'primary small', 'aria-label': `Redeem ${item.name} for ${points(item.points)}` }, 'Redeem');
        button.addEventListener('click', () => {
          void (async () => {
            error.textContent = '';
            button.disabled = true;
            try {
              const outcome = await api.call<TransactionOutcome>('POST', '/transactions', { kind: 'exchange', transactionId: newTransactionId(), merchantId, units: item.points, goods: item.name });
              applied(outcome, `${item.name} at ${shopName}`);
              say(`Redeemed: ${item.name} at ${shopName}. Show this screen at the counter.`);
            } catch (failure) {
              error.textContent = failure instanceof ApiError && failure.code === 'InsufficientBalance' ? `You need ${points(item.points)} for ${item.name}.` : messageOf(failure);
            } finally {
              button.disabled = false;
            }
          })();
        });
        return el('li', { class: 'good' },
          item.image ? el('img', { src: catalogUrl(base, merchantId, item.image), alt: '', class: 'good-image' }) : el('span', { 'class': 'good-image', 'aria-hidden': 'true' }),
          el('span', { class: 'good-name' }, item.name),
          el('span', { class: 'good-points' }, points(item.points)),
          button);
      }));
    } catch (failure) {
      shopStatus.textContent = '';
      error.textContent = messageOf(failure);
    }
  };
  select.addEventListener('change', () => { void show(); });
  typed.addEventListener('change', () => { void show(); });
  void show();
}

main().catch((error) => say(`The page could not start: ${messageOf(error)}`, true));
