import { ApiError, CardConfig, CounterApi, loadConfig } from './lib/counter-api';

const KEY_STORAGE = 'counter.staffToken';
const REFRESH_MS = 15_000;

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el as T;
}

function startCard(config: CardConfig): void {
  const api = new CounterApi(config.apiBaseUrl);
  const count = byId('count');
  const sold = byId<HTMLButtonElement>('sold-button');
  const status = byId('status');
  const settingsButton = byId<HTMLButtonElement>('settings-button');
  const menu = byId<HTMLUListElement>('settings-menu');
  const resetItem = byId<HTMLButtonElement>('reset-item');
  const dialog = byId<HTMLDialogElement>('reset-dialog');
  const form = byId<HTMLFormElement>('reset-form');
  const keyField = byId('key-field');
  const keyInput = byId<HTMLInputElement>('staff-key');
  const dialogError = byId('dialog-error');
  const cancel = byId<HTMLButtonElement>('reset-cancel');
  const confirm = byId<HTMLButtonElement>('reset-confirm');

  if (config.startValue !== undefined) byId('reset-start').textContent = String(config.startValue);
  if (config.environment) {
    const env = byId('environment');
    env.textContent = config.environment;
    env.hidden = false;
  }

  let busy = false;
  let value: number | undefined;

  const say = (message: string, isError = false) => {
    status.textContent = message;
    status.classList.toggle('is-error', isError);
  };
  const show = (v: number) => {
    value = v;
    count.textContent = String(v);
    sold.disabled = busy || v <= 0;
  };
  const failed = (error: unknown, doing: string) => {
    const detail = error instanceof ApiError ? error.message : 'the counter cannot be reached';
    say(`Could not ${doing}: ${detail}.`, true);
  };

  const refresh = async () => {
    try {
      show(await api.read());
    } catch (error) {
      failed(error, 'read the counter');
    }
  };

  sold.addEventListener('click', async () => {
    if (busy) return;
    busy = true;
    sold.disabled = true;
    sold.setAttribute('aria-busy', 'true');
    try {
      show(await api.sellOne());
      say(value === 0 ? 'That was the last one.' : 'Sale counted.');
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        show(0);
        say('Sold out: nothing left to sell.', true);
      } else {
        failed(error, 'count the sale');
      }
    } finally {
      busy = false;
      sold.removeAttribute('aria-busy');
      if (value !== undefined) show(value);
    }
  });

  // Settings menu (menu button pattern): Enter/Space/ArrowDown open it, Escape closes it.
  const openMenu = () => {
    menu.hidden = false;
    settingsButton.setAttribute('aria-expanded', 'true');
    resetItem.focus();
  };
  const closeMenu = (refocus: boolean) => {
    if (menu.hidden) return;
    menu.hidden = true;
    settingsButton.setAttribute('aria-expanded', 'false');
    if (refocus) settingsButton.focus();
  };
  settingsButton.addEventListener('click', () => (menu.hidden ? openMenu() : closeMenu(true)));
  settingsButton.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') { e.preventDefault(); openMenu(); }
  });
  menu.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' || e.key === 'Tab') closeMenu(e.key === 'Escape');
  });
  document.addEventListener('click', (e) => {
    if (!menu.hidden && !menu.contains(e.target as Node) && !settingsButton.contains(e.target as Node)) closeMenu(false);
  });

  const storedKey = () => sessionStorage.getItem(KEY_STORAGE) ?? '';
  const openDialog = (error = '') => {
    keyField.hidden = storedKey() !== '';
    keyInput.value = '';
    dialogError.textContent = error;
    confirm.disabled = false;
    dialog.showModal();
    (keyField.hidden ? cancel : keyInput).focus();
  };
  resetItem.addEventListener('click', () => {
    closeMenu(false);
    openDialog();
  });
  cancel.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => settingsButton.focus());

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const key = keyField.hidden ? storedKey() : keyInput.value.trim();
    if (!key) {
      dialogError.textContent = 'Enter your staff sign-in token to reset.';
      keyInput.focus();
      return;
    }
    confirm.disabled = true;
    try {
      const v = await api.reset(key);
      sessionStorage.setItem(KEY_STORAGE, key);
      dialog.close();
      show(v);
      say(`Counter reset to ${v}.`);
    } catch (error) {
      confirm.disabled = false;
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
        sessionStorage.removeItem(KEY_STORAGE);
        keyField.hidden = false;
        keyInput.value = '';
        dialogError.textContent = 'The staff sign-in token was refused (wrong, expired, or not staff). Sign in again and retry.';
        keyInput.focus();
      } else {
        dialogError.textContent = error instanceof ApiError ? `Reset failed: ${error.message}.` : 'Reset failed: the counter cannot be reached.';
      }
    }
  });

  void refresh();
  setInterval(() => { if (!document.hidden && !busy) void refresh(); }, REFRESH_MS);
  document.addEventListener('visibilitychange', () => { if (!document.hidden) void refresh(); });
}

async function main(): Promise<void> {
  try {
    startCard(await loadConfig());
  } catch (error) {
    const status = document.getElementById('status');
    if (status) {
      status.textContent = 'The counter is not configured (config.json could not be read).';
      status.classList.add('is-error');
    }
    console.error(error);
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => void main());
else void main();
