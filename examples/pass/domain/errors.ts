/**
 * What the domain answers when it refuses a request: its own outcomes, in its own words, never HTTP.
 * The handlers' HTTP mapping (handlers/http/errors.ts) gives each kind its status code and JSON body;
 * the rules worker and the stream consumer never meet these (they record outcomes instead).
 */

/** One field the domain refuses, by its path in the request (`travellers.1`, `identityEvidence`). */
export interface Problem {
  readonly path: string;
  readonly message: string;
}

export type RefusalKind =
  /** The request names something that cannot be: a cursor of another listing, a range of days. */
  | 'invalid'
  /** The caller may not do this to this item (a reviewer's own pass). */
  | 'not-permitted'
  /** No such item, or none the caller may see (another citizen's pass looks missing). */
  | 'not-found'
  /** The item's state does not allow it now: not registered yet, registered already, decided already. */
  | 'conflict'
  /** A rule refuses it: identity not proven, a traveller who cannot be listed, a cap reached. */
  | 'rule'
  /** A dependency cannot answer now; nothing was stored, the same request may be sent again. */
  | 'unavailable';

/** A refused request; nothing was stored. */
export class Refusal extends Error {
  constructor(readonly kind: RefusalKind, message: string, readonly problems?: readonly Problem[]) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidRequest extends Refusal {
  constructor(message: string, problems?: readonly Problem[]) { super('invalid', message, problems); }
}
export class NotPermitted extends Refusal {
  constructor(message: string) { super('not-permitted', message); }
}
export class NotFound extends Refusal {
  constructor(message: string) { super('not-found', message); }
}
export class Conflict extends Refusal {
  constructor(message: string) { super('conflict', message); }
}
export class RuleRefusal extends Refusal {
  constructor(message: string, problems?: readonly Problem[]) { super('rule', message, problems); }
}
export class Unavailable extends Refusal {
  constructor(message: string) { super('unavailable', message); }
}
