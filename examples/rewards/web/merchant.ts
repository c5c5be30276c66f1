import { ApiError, Balance, RewardsApi } from './lib/api';
import { CatalogItem, catalogUrl, loadCatalog, MerchantCatalog } from './lib/catalog';
import { loadConfig, RewardsConfig } from './lib/config';
import { byId, el, points } from './lib/dom';
import { signIn } from './lib/shell';

/**
 * The merchant's page: the points taken, the catalog (JSON and pictures under the merchant's own
 * folder of the catalog site, written through presigned uploads) and the goods sold (the users
 * domain, where the site may read it).
 */

const status = byId('page-status');
const say = (message: string, isError = false) => {
  status.textContent = message;
  status.classList.toggle('is-error', isError);
};
const messageOf = (error: unknown) => (error instanceof ApiError ? error.message : error instanceof Error ? error.message : String(error));

const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

/** One file of the merchant's catalog: a presigned URL from the API, then the PUT to it. */
async function upload(api: RewardsApi, path: string, contentType: string, body: Blob | string): Promise<void> {
  const signed = await api.call<{ url: string; headers: Record<string, string> }>('POST', '/catalog-uploads', { path, contentType });
  const res = await fetch(signed.url, { method: 'PUT', headers: signed.headers, body });
  if (!res.ok) throw new Error(`The upload of ${path} failed (HTTP ${res.status})`);
}

async function main(): Promise<void> {
  const config = await loadConfig();
  const { session } = await signIn(config, 'merchant');
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
  byId('balance').textContent = points(me.balance);
  setInterval(() => {
    void api.call<Balance>('GET', '/balance').then((b) => { byId('balance').textContent = points(b.balance); }, () => undefined);
  }, 5000);

  let catalog: MerchantCatalog = { merchantName: session.name, items: [] };
  const render = () => {
    const base = config.catalogsBaseUrl ?? '';
    byId('catalog-status').textContent = catalog.items.length ? `${catalog.items.length} item${catalog.items.length === 1 ? '' : 's'}` : 'No items yet.';
    byId('catalog').replaceChildren(...catalog.items.map((item) => el('li', { class: 'good' },
      item.image && base ? el('img', { src: catalogUrl(base, me.userId, item.image), alt: '', class: 'good-image' }) : el('span', { 'class': 'good-image', 'aria-hidden': 'true' }),
      el('span', { class: 'good-name' }, item.name),
      el('span', { class: 'good-points' }, points(item.points)))));
  };
  if (config.catalogsBaseUrl) {
    try {
      const found = await loadCatalog(config.catalogsBaseUrl, me.userId);
      catalog = { merchantName: found.merchantName || session.name, items: found.items };
    } catch (error) {
      byId('catalog-status').textContent = messageOf(error);
    }
  }
  render();

  const error = byId('item-error');
  byId<HTMLFormElement>('item-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void (async () => {
      error.textContent = '';
      const name = byId<HTMLInputElement>('item-name').value.trim();
      const price = Number(byId<HTMLInputElement>('item-points').value);
      const file = byId<HTMLInputElement>('item-image').files?.[0];
      if (!name || !Number.isInteger(price) || price < 1) {
        error.textContent = 'Give the item a name and a whole number of points.';
        return;
      }
      if (file && !EXTENSIONS[file.type]) {
        error.textContent = 'The picture must be a PNG, JPEG or WebP file.';
        return;
      }
      const id = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'item'}-${Date.now().toString(36)}`;
      const item: CatalogItem = { id, name, points: price, ...(file ? { image: `images/${id}.${EXTENSIONS[file.type]}` } : {}) };
      const next: MerchantCatalog = { merchantName: catalog.merchantName, items: [...catalog.items, item] };
      try {
        if (file && item.image) await upload(api, item.image, file.type, file);
        await upload(api, 'catalog.json', 'application/json', JSON.stringify(next, null, 2));
        catalog = next;
        render();
        say(`${name} is in your catalog.`);
        byId<HTMLFormElement>('item-form').reset();
      } catch (failure) {
        error.textContent = failure instanceof ApiError && failure.status === 501
          ? 'Uploads need the catalog bucket, which this run does not have: the local run serves the demo catalog as it is.'
          : messageOf(failure);
      }
    })();
  });

  await showGoodsSold(config, me.userId);
}

async function showGoodsSold(config: RewardsConfig, merchantId: string): Promise<void> {
  const note = byId('sold-status');
  if (!config.usersDomainUrl) {
    note.textContent = 'The goods sold are answered by the users domain, which this site does not reach.';
    return;
  }
  try {
    const res = await fetch(`${config.usersDomainUrl}/merchants/${encodeURIComponent(merchantId)}/goods-sold`, { cache: 'no-store' });
    if (!res.ok) throw new Error(`The users domain answered HTTP ${res.status}`);
    const rows = await res.json() as { goods: string; units: number; points: number; exchanges: number }[];
    note.textContent = rows.length ? '' : 'Nothing sold yet.';
    byId('sold').hidden = rows.length === 0;
    byId('sold-rows').replaceChildren(...rows.map((r) => el('tr', {},
      el('th', { scope: 'row' }, r.goods), el('td', {}, String(r.units)), el('td', {}, String(r.points)), el('td', {}, String(r.exchanges)))));
  } catch (error) {
    note.textContent = messageOf(error);
  }
}

main().catch((error) => say(`The page could not start: ${messageOf(error)}`, true));
