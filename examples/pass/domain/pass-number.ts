// No imports: the web pages bundle this (through model.ts) for the browser.

/** A typed or scanned pass number in its stored form, or undefined when it cannot be one. */
export function normalizePassId(raw: string): string | undefined {
  const s = raw.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (!/^[0-9A-HJKMNP-TV-Z]{12}$/.test(s)) return undefined;
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
}
