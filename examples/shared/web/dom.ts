/**
 * The DOM helpers of the examples' web pages (bundled into each page by esbuild): finding and
 * building elements, showing an API's field issues next to their inputs, and dates as people
 * read them. Each example's web/lib/dom.ts re-exports these and adds its own labels.
 */

/** A refused field, as the APIs name it in a 4xx answer's `details`. */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from the page`);
  return found as T;
}

/** A new element with text and attributes (no HTML parsing: what the API says is shown as text). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K, attrs: Record<string, string> = {}, ...children: (Node | string | undefined)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== undefined) node.append(c);
  return node;
}

/**
 * Field errors next to their fields: every control with `data-path` (the API's field path, e.g.
 * `travellers.0.name`) gets its messages in the `.field-error` element it names with
 * `aria-describedby`, and `aria-invalid`. Issues no field claims are listed in `summary`.
 * Answers how many issues were shown; focuses the first field in error.
 */
export function showIssues(form: HTMLFormElement, issues: FieldIssue[], summary: HTMLElement): number {
  clearIssues(form, summary);
  const unclaimed: string[] = [];
  let first: HTMLElement | undefined;
  for (const issue of issues) {
    const control = form.querySelector<HTMLElement>(`[data-path="${CSS.escape(issue.path)}"]`);
    const errorId = control?.dataset.error;
    const target = errorId ? document.getElementById(errorId) : null;
    if (!control || !target) {
      unclaimed.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
      continue;
    }
    control.setAttribute('aria-invalid', 'true');
    target.textContent = target.textContent ? `${target.textContent}; ${issue.message}` : capitalise(issue.message);
    first ??= control;
  }
  if (issues.length > 0) {
    summary.textContent = `Please correct ${issues.length === 1 ? 'the field marked below' : `the ${issues.length} problems marked below`}.`;
    if (unclaimed.length) summary.append(el('ul', {}, ...unclaimed.map((u) => el('li', {}, u))));
  }
  first?.focus();
  return issues.length;
}

export function clearIssues(form: HTMLFormElement, summary: HTMLElement): void {
  summary.textContent = '';
  form.querySelectorAll<HTMLElement>('[data-path]').forEach((control) => {
    control.removeAttribute('aria-invalid');
    const target = control.dataset.error ? document.getElementById(control.dataset.error) : null;
    if (target) target.textContent = '';
  });
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const DATE_TIME = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

export function when(iso: string): string {
  return DATE_TIME.format(new Date(iso));
}
