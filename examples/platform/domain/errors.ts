/** A request the domain refuses: an unknown resource. */
export class NotFound extends Error {
  constructor(what: string, id: string) {
    super(`${what} ${id} not found`);
    this.name = 'NotFound';
  }
}

/** A request the domain refuses: the resource exists already. */
export class Conflict extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Conflict';
  }
}
