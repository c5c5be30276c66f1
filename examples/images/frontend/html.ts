/**
 * HTML built from templates in which every interpolated value is escaped, unless it is already
 * `Html` (a fragment built the same way). Written here rather than taken from a template library:
 * it is the one thing the server needs from one, in a few lines a reviewer can read whole.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe in element content and in quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** A fragment of markup: interpolating it into `html` keeps it as it is. */
export class Html {
  constructor(readonly text: string) {}
  public toString(): string { return this.text; }
}

type Value = Html | string | number | boolean | undefined | null | readonly Value[];

function render(value: Value): string {
  if (value === undefined || value === null || value === false) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(value);
}

/** `html\`<p>${name}</p>\``: `name` is escaped; arrays are joined; `undefined`, `null` and `false` render nothing. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  return new Html(strings.reduce((out, s, i) => out + s + (i < values.length ? render(values[i]) : ''), ''));
}
