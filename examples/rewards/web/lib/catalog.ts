/**
 * A merchant's catalog as the catalog site holds it: `catalogs/<merchant id>/catalog.json`, its
 * images next to it (paths relative to the merchant's folder). The merchant page writes it through
 * presigned uploads (`POST /catalog-uploads`); the civilian page reads it to redeem goods.
 */
export interface CatalogItem {
  readonly id: string;
  readonly name: string;
  /** What one costs (the exchange's units: the rules price each unit). */
  readonly points: number;
  /** e.g. `images/coffee.png` */
  readonly image?: string;
}

export interface MerchantCatalog {
  readonly merchantName: string;
  readonly items: CatalogItem[];
}

export function catalogUrl(base: string, merchantId: string, file = 'catalog.json'): string {
  return `${base.replace(/\/$/, '')}/${encodeURIComponent(merchantId)}/${file.split('/').map(encodeURIComponent).join('/')}`;
}

/** The catalog, or an empty one when the merchant has none yet. */
export async function loadCatalog(base: string, merchantId: string): Promise<MerchantCatalog> {
  const res = await fetch(catalogUrl(base, merchantId), { cache: 'no-store' });
  if (res.status === 404 || res.status === 403) return { merchantName: '', items: [] };
  if (!res.ok) throw new Error(`The catalog could not be read (HTTP ${res.status})`);
  const parsed = await res.json() as MerchantCatalog;
  const items = Array.isArray(parsed.items) ? parsed.items.filter((i) => typeof i?.name === 'string' && Number.isInteger(i?.points) && i.points > 0) : [];
  return { merchantName: typeof parsed.merchantName === 'string' ? parsed.merchantName : '', items };
}
