/**
 * What the images domain refuses, in its own words: never HTTP. The handlers' HTTP mapping
 * (handlers/http/route.ts) gives each kind its status code.
 */
export type RefusalKind =
  /** The request is well formed but a rule refuses it (422): a content type, a size, an image that is not one. */
  | 'rule'
  /** Something it names does not exist (404). */
  | 'not-found'
  /** The state does not allow it now (409): an upload completed twice, an image not ready yet. */
  | 'conflict'
  /** A dependency (the cache, the queue) is unavailable: nothing was done, try again shortly (503). */
  | 'busy';

export class Refusal extends Error {
  constructor(readonly kind: RefusalKind, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
    this.name = 'Refusal';
  }
}

/** An upload or a stored object that is not an acceptable image; `problem` names what is wrong. */
export const invalidImage = (problem: string, message: string, details: Record<string, unknown> = {}) =>
  new Refusal('rule', 'InvalidImage', message, { problem, ...details });

export const noSuchImage = (field: string, imageId: string) =>
  new Refusal('not-found', 'NoSuchImage', `${field}: there is no image ${imageId}`, { field });

export const noSuchComposition = (key: string) =>
  new Refusal('not-found', 'NoSuchComposition', `There is no composition ${key}`);

export const cacheUnavailable = () =>
  new Refusal('busy', 'CacheUnavailable', 'The composition cache is unavailable; nothing was queued, please try again shortly');
