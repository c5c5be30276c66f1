/**
 * The gallery's one script: what plain forms cannot do. An upload asks the gallery for a presigned
 * POST, sends the file from this browser straight to the bucket with it, then asks for the upload
 * to be checked (`complete`); a queued composition is polled until its picture is ready.
 */
import { el } from '../../../shared/web/dom';

interface Answer<T> {
  readonly ok: boolean;
  readonly status: number;
  readonly body: T & { message?: string };
}

async function call<T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<Answer<T>> {
  try {
    const res = await fetch(url, {
      method,
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const parsed = await res.json().catch(() => ({})) as T & { message?: string };
    return { ok: res.ok, status: res.status, body: parsed };
  } catch {
    return { ok: false, status: 0, body: { message: 'The gallery cannot be reached. Check the connection and try again.' } as T & { message?: string } };
  }
}

/** What S3 says when it refuses a presigned POST (an XML `<Error>` with a `<Message>`). */
async function storageRefusal(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  const message = new DOMParser().parseFromString(text, 'application/xml').querySelector('Message')?.textContent;
  return `Storage refused the file${message ? `: ${message}` : ` (${res.status})`}.`;
}

function enhanceUpload(form: HTMLFormElement): void {
  const kind = form.dataset.kind ?? '';
  const input = form.querySelector<HTMLInputElement>('input[type=file]')!;
  const button = form.querySelector<HTMLButtonElement>('button[type=submit]')!;
  const error = document.getElementById(input.getAttribute('aria-describedby') ?? '')!;
  const status = form.querySelector<HTMLElement>('.upload-status')!;

  const fail = (message: string) => {
    status.textContent = '';
    error.textContent = message;
    input.setAttribute('aria-invalid', 'true');
    button.disabled = false;
    input.focus();
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      error.textContent = '';
      input.removeAttribute('aria-invalid');
      const file = input.files?.[0];
      if (!file) return fail(`Choose a ${kind} picture first.`);
      button.disabled = true;
      status.textContent = 'Asking for permission to upload…';
      const granted = await call<{ imageId: string; upload: { url: string; fields: Record<string, string> } }>('POST', '/uploads',
        { kind, contentType: file.type, size: file.size });
      if (!granted.ok) return fail(granted.body.message ?? 'The upload was refused.');

      status.textContent = 'Uploading…';
      const data = new FormData();
      for (const [name, value] of Object.entries(granted.body.upload.fields)) data.append(name, value);
      data.append('file', file); // last: S3 ignores fields after the file
      let stored: Response;
      try {
        stored = await fetch(granted.body.upload.url, { method: 'POST', body: data });
      } catch {
        return fail('Storage cannot be reached. Check the connection and try again.');
      }
      if (!stored.ok) return fail(await storageRefusal(stored));

      status.textContent = 'Checking the picture…';
      const checked = await call('POST', `/images/${encodeURIComponent(granted.body.imageId)}/complete`);
      if (!checked.ok) return fail(checked.body.message ?? 'The picture was refused.');
      location.assign(`/?added=${encodeURIComponent(kind)}`);
    })();
  });
}

/** Polls a queued composition (every half second, then slower) and shows its picture when ready. */
function awaitComposition(section: HTMLElement): void {
  const state = section.querySelector<HTMLElement>('#composition-state')!;
  const started = Date.now();
  let delay = 500;
  const poll = async (): Promise<void> => {
    const answer = await call<{ status?: string; url?: string }>('GET', section.dataset.statusUrl!);
    if (answer.ok && answer.body.status === 'ready' && answer.body.url) {
      section.dataset.status = 'ready';
      section.setAttribute('aria-busy', 'false');
      state.textContent = `Composed: this combination was new, so it was queued and composed (${((Date.now() - started) / 1000).toFixed(1)} s).`;
      section.append(el('figure', {}, el('img', { src: answer.body.url, alt: section.dataset.alt ?? 'The composed picture' })));
      document.title = document.title.replace(/^[^·]*/, 'Your cat in a hat ');
      const heading = document.querySelector('h1');
      if (heading) heading.textContent = 'Your cat in a hat';
      return;
    }
    if (answer.ok && answer.body.status === 'failed') {
      section.dataset.status = 'failed';
      section.setAttribute('aria-busy', 'false');
      state.textContent = 'Composing this picture failed. Try another placement or other pictures.';
      return;
    }
    if (!answer.ok && answer.status >= 400 && answer.status < 500) {
      section.setAttribute('aria-busy', 'false');
      state.textContent = answer.body.message ?? 'This composition is unknown.';
      return;
    }
    if (Date.now() - started > 120_000) {
      state.textContent = 'Still composing. Reload this page in a while to see the picture.';
      return;
    }
    delay = Math.min(delay * 1.5, 3_000);
    setTimeout(() => void poll(), delay);
  };
  setTimeout(() => void poll(), delay);
}

document.querySelectorAll<HTMLFormElement>('form.upload').forEach(enhanceUpload);
const queued = document.querySelector<HTMLElement>('#composition[data-status="queued"]');
if (queued) awaitComposition(queued);
document.getElementById('notice')?.focus();
