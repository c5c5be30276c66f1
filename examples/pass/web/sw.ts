/**
 * The service worker: keeps the pages' own files so the citizen's page (and the QR codes it keeps
 * in local storage) opens without a connection. Network first, so a deployment shows at once;
 * the API (`/v1/...`) is never cached.
 */
const CACHE = 'pass-shell-v1';
const SHELL = ['./', 'index.html', 'app.js', 'styles.css', 'favicon.svg', 'config.json'];

interface ExtendableEvent extends Event { waitUntil(p: Promise<unknown>): void }
interface FetchEvent extends ExtendableEvent { readonly request: Request; respondWith(r: Promise<Response>): void }
const worker = self as unknown as {
  clients: { claim(): Promise<void> };
  location: Location;
  addEventListener(type: 'install' | 'activate', fn: (e: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', fn: (e: FetchEvent) => void): void;
  skipWaiting(): Promise<void>;
};

worker.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => worker.skipWaiting()));
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
    .then(() => worker.clients.claim()));
});

worker.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== worker.location.origin || /^\/v\d+\//.test(url.pathname)) return;
  event.respondWith(fetch(event.request).then((res) => {
    if (res.ok) {
      const copy = res.clone();
      void caches.open(CACHE).then((c) => c.put(event.request, copy));
    }
    return res;
  }).catch(async () => (await caches.match(event.request)) ?? Response.error()));
});
