import { el, when } from './dom';

/** One line of the history this device keeps: what happened and how the balance changed. */
export interface HistoryEntry {
  readonly at: string;
  readonly text: string;
  readonly delta: number;
}

const MAX = 50;

/**
 * The history of a user's points on this device. The API answers the balance, not a list of
 * transactions: the page records what it did (donations, redemptions, encounters it recorded)
 * and each change of the balance it saw that it did not cause (e.g. an officer recording an
 * encounter with this civilian).
 */
export class History {
  private readonly key: string;
  constructor(userId: string, private readonly list: HTMLElement, private readonly empty: HTMLElement) {
    this.key = `rewards.history.${userId}`;
    this.render();
  }

  entries(): HistoryEntry[] {
    try {
      const parsed = JSON.parse(localStorage.getItem(this.key) ?? '[]') as HistoryEntry[];
      return Array.isArray(parsed) ? parsed : [];
    } catch {
      return [];
    }
  }

  add(text: string, delta: number): void {
    localStorage.setItem(this.key, JSON.stringify([{ at: new Date().toISOString(), text, delta }, ...this.entries()].slice(0, MAX)));
    this.render();
  }

  private render(): void {
    const entries = this.entries();
    this.empty.hidden = entries.length > 0;
    this.list.replaceChildren(...entries.map((e) => el('li', { class: 'history-item' },
      el('span', { class: `delta ${e.delta >= 0 ? 'is-up' : 'is-down'}` }, `${e.delta >= 0 ? '+' : '−'}${Math.abs(e.delta)}`),
      el('span', {}, e.text),
      el('span', { class: 'hint' }, when(e.at)))));
  }
}
