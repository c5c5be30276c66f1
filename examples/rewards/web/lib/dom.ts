export * from '../../../shared/web/dom';

/** Points as people read them: `1 point`, `12 points`. */
export function points(n: number): string {
  return `${n} point${Math.abs(n) === 1 ? '' : 's'}`;
}
