import type { ApiIssue, Composition, GalleryImage, ImageKind } from './api';
import { html, type Html } from './html';

/**
 * The gallery's pages, rendered on the server. Every value from the API or the request goes
 * through `html` (escaped). The one script (/static/gallery.js) uploads files and waits for a
 * queued composition; everything else is plain forms and links.
 */

/** What the compose form sends (percent and degrees, as people set them) and the API's placement. */
export const PLACEMENT_FIELDS = [
  { name: 'x', label: 'Across the cat', unit: '%', min: 0, max: 100, step: 1, value: 50, hint: '0 is the left edge, 100 the right' },
  { name: 'y', label: 'Down the cat', unit: '%', min: 0, max: 100, step: 1, value: 15, hint: '0 is the top, 100 the bottom' },
  { name: 'scale', label: 'Hat width', unit: '% of the cat', min: 5, max: 200, step: 1, value: 40, hint: 'how wide the hat is' },
  { name: 'rotation', label: 'Tilt', unit: 'degrees', min: -180, max: 180, step: 1, value: 0, hint: 'negative tilts left' },
] as const;

export type PlacementForm = Record<(typeof PLACEMENT_FIELDS)[number]['name'], number>;

const KIND_NAMES: Record<ImageKind, { one: string; many: string }> = { cat: { one: 'cat', many: 'Cats' }, hat: { one: 'hat', many: 'Hats' } };
const FILE_TYPES = 'image/png,image/jpeg,image/webp';

/** A notice above the page's content: `status` for news, `alert` for a problem. */
export interface Notice {
  readonly kind: 'status' | 'alert';
  readonly message: string;
  readonly issues?: readonly ApiIssue[];
}

export function layout(title: string, main: Html): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Cats in hats</title>
<link rel="stylesheet" href="/static/gallery.css">
<script type="module" src="/static/gallery.js"></script>
</head>
<body>
<a class="skip-link" href="#main">Skip to the content</a>
<header class="top"><a class="brand" href="/"><span class="brand-mark" aria-hidden="true">C</span> Cats in hats</a></header>
<main id="main" class="page" tabindex="-1">
${main}
</main>
</body>
</html>
`.text;
}

function notice(n: Notice | undefined): Html {
  if (!n) return html``;
  return html`<div id="notice" class="notice ${n.kind === 'alert' ? 'bad' : 'ok'}" role="${n.kind}" tabindex="-1">
<p>${n.message}</p>${n.issues?.length ? html`<ul>${n.issues.map((i) => html`<li>${i.path ? `${i.path}: ` : ''}${i.message}</li>`)}</ul>` : ''}
</div>`;
}

function alt(image: GalleryImage): string {
  return `${image.kind === 'cat' ? 'Cat' : 'Hat'} ${image.imageId.slice(0, 8)}, ${image.width} by ${image.height} pixels`;
}

function tiles(kind: ImageKind, images: readonly GalleryImage[] | undefined): Html {
  if (images === undefined) return html`<p class="muted">The ${KIND_NAMES[kind].many.toLowerCase()} could not be listed just now.</p>`;
  if (images.length === 0) return html`<p class="muted">No ${KIND_NAMES[kind].one}s yet: upload the first one below.</p>`;
  return html`<ul class="tiles" data-kind="${kind}">${images.map((image) => html`
<li><figure><img src="${image.url}" alt="${alt(image)}" width="${image.width}" height="${image.height}" loading="lazy"><figcaption>${image.imageId.slice(0, 8)}</figcaption></figure></li>`)}
</ul>`;
}

function uploadForm(kind: ImageKind): Html {
  const id = `${kind}-file`;
  return html`<form class="upload card" data-kind="${kind}" method="post" action="/uploads">
<label for="${id}">A ${KIND_NAMES[kind].one} picture (PNG, JPEG or WebP, up to 5 MB)</label>
<input type="file" id="${id}" name="file" accept="${FILE_TYPES}" required aria-describedby="${id}-error">
<p class="field-error" id="${id}-error"></p>
<button type="submit">Upload the ${KIND_NAMES[kind].one}</button>
<p class="upload-status" id="${kind}-upload-status" role="status"></p>
<noscript><p>Uploading needs JavaScript: the picture goes from this browser straight to storage.</p></noscript>
</form>`;
}

function choices(kind: ImageKind, images: readonly GalleryImage[], chosen: string | undefined): Html {
  const name = kind === 'cat' ? 'catId' : 'hatId';
  return html`<fieldset class="choices"><legend>Choose a ${KIND_NAMES[kind].one}</legend>
${images.map((image, i) => html`<div class="choice"><input type="radio" name="${name}" id="${name}-${image.imageId}" value="${image.imageId}" required${(chosen ? chosen === image.imageId : i === 0) ? html` checked` : ''}>
<label for="${name}-${image.imageId}"><img src="${image.url}" alt="${alt(image)}" width="${image.width}" height="${image.height}" loading="lazy"></label></div>`)}
</fieldset>`;
}

function composeForm(cats: readonly GalleryImage[], hats: readonly GalleryImage[], chosen: Partial<Record<'catId' | 'hatId', string>> & Partial<PlacementForm>): Html {
  if (cats.length === 0 || hats.length === 0) {
    return html`<p class="muted">Upload at least one cat and one hat to put a hat on a cat.</p>`;
  }
  return html`<form class="compose card" method="post" action="/compose">
${choices('cat', cats, chosen.catId)}
${choices('hat', hats, chosen.hatId)}
<fieldset class="placement"><legend>Where the hat sits</legend>
${PLACEMENT_FIELDS.map((f) => html`<div class="field"><label for="placement-${f.name}">${f.label} (${f.unit})</label>
<input type="number" id="placement-${f.name}" name="${f.name}" min="${f.min}" max="${f.max}" step="${f.step}" value="${chosen[f.name] ?? f.value}" required aria-describedby="placement-${f.name}-hint">
<p class="hint" id="placement-${f.name}-hint">${f.hint}</p></div>`)}
</fieldset>
<button type="submit">Put the hat on the cat</button>
</form>`;
}

export interface GalleryModel {
  /** Undefined: the API could not list them. */
  readonly cats?: readonly GalleryImage[];
  readonly hats?: readonly GalleryImage[];
  readonly notice?: Notice;
  /** What the compose form had, when it comes back with a problem. */
  readonly chosen?: Partial<Record<'catId' | 'hatId', string>> & Partial<PlacementForm>;
}

export function galleryPage(model: GalleryModel): string {
  return layout('Gallery', html`<h1>Cats in hats</h1>
<p class="lead">Upload a cat and a hat, choose where the hat sits, and see the cat wearing it.</p>
${notice(model.notice)}
<div class="columns">
${(['cat', 'hat'] as const).map((kind) => html`<section aria-labelledby="${kind}s-heading">
<h2 id="${kind}s-heading">${KIND_NAMES[kind].many}</h2>
${tiles(kind, kind === 'cat' ? model.cats : model.hats)}
${uploadForm(kind)}
</section>`)}
</div>
<section aria-labelledby="compose-heading">
<h2 id="compose-heading">Put a hat on a cat</h2>
${model.cats && model.hats ? composeForm(model.cats, model.hats, model.chosen ?? {}) : html`<p class="muted">The gallery could not be listed just now.</p>`}
</section>`);
}

/** How the page got its composition: the answer of `POST /compositions` and how long it took. */
export interface Answered {
  readonly status: number;
  readonly ms: number;
}

const RESULT_ALT = 'The cat wearing the hat';

export function compositionPage(composition: Composition, answered?: Answered): string {
  if (composition.status === 'ready' && composition.url) {
    const how = answered?.status === 200
      ? `Served from the cache at once: this cat has worn this hat before (the service answered 200 in ${answered.ms} ms).`
      : 'Ready.';
    return layout('Your cat in a hat', html`<h1>Your cat in a hat</h1>
<section id="composition" class="result" data-key="${composition.key}" data-status="ready" data-answer="${answered?.status ?? ''}">
<p id="composition-state" role="status">${how}</p>
<figure><img src="${composition.url}" alt="${RESULT_ALT}"></figure>
</section>
<p><a href="/">Back to the gallery</a></p>`);
  }
  if (composition.status === 'failed') {
    return layout('Composition failed', html`<h1>That hat would not go on</h1>
<div class="notice bad" role="alert"><p>Composing this picture failed. Try another placement or other pictures.</p></div>
<p><a href="/">Back to the gallery</a></p>`);
  }
  const statusPath = `/compositions/${encodeURIComponent(composition.key)}`;
  return layout('Putting the hat on', html`<h1>Putting the hat on…</h1>
<section id="composition" class="result" data-key="${composition.key}" data-status="queued" data-answer="${answered?.status ?? ''}"
 data-status-url="${statusPath}/status" data-alt="${RESULT_ALT}" aria-busy="true">
<p id="composition-state" role="status">Queued: this combination is new, so it is being composed${answered ? ` (the service answered ${answered.status} in ${answered.ms} ms)` : ''}. The picture appears here when it is ready.</p>
<noscript><p><a href="${statusPath}">Check again</a></p></noscript>
</section>
<p><a href="/">Back to the gallery</a></p>`);
}

/** A page of its own for what has no gallery to go back into (unknown paths, uploads without script). */
export function messagePage(title: string, message: string): string {
  return layout(title, html`<h1>${title}</h1>
<div class="notice bad" role="alert"><p>${message}</p></div>
<p><a href="/">Back to the gallery</a></p>`);
}
