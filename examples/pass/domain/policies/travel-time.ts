import { dayOf } from '../ids';
import type { PassItem } from '../model';

/** An approved pass on a traveller's list: what the overlap check and the daily cap read. */
export interface ActivePass {
  readonly passId: string;
  readonly start: string;
  readonly end: string;
}

/** A traveller's approved passes (their list as stored). */
export interface TravellerPasses {
  readonly active: readonly ActivePass[];
}

type Window = Pick<PassItem, 'passId' | 'startTime' | 'endTime'>;

/** The first approved pass of a traveller overlapping this one (the pass itself aside), if any. */
export function overlapping(pass: Window, travellers: readonly TravellerPasses[]): string | undefined {
  for (const t of travellers) {
    const hit = t.active.find((a) => a.passId !== pass.passId && a.start < pass.endTime && pass.startTime < a.end);
    if (hit) return hit.passId;
  }
  return undefined;
}

/** The index of the first traveller already holding `cap` approved passes starting on this pass's day, if any. */
export function overCap(pass: Window, travellers: readonly TravellerPasses[], cap: number): number | undefined {
  const day = dayOf(pass.startTime);
  const index = travellers.findIndex((t) => t.active.filter((a) => a.passId !== pass.passId && dayOf(a.start) === day).length >= cap);
  return index < 0 ? undefined : index;
}

/**
 * What a traveller's list keeps when it is written at `now`: passes still running, and every pass
 * starting today or later (ended ones of today still count towards the daily cap); ended passes of
 * past days go, so the list stays short.
 */
export function keptOnList(active: readonly ActivePass[], now: Date): ActivePass[] {
  const nowIso = now.toISOString();
  return active.filter((a) => a.end > nowIso || dayOf(a.start) >= dayOf(now));
}
