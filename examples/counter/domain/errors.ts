/**
 * What the counter refuses, in its own words: never HTTP. The handlers' HTTP mapping
 * (handlers/http/route.ts) gives it its status code.
 */

/** The count is at its lowest: nothing left to sell, nothing changed. */
export class SoldOut extends Error {
  constructor() {
    super('The counter is at 0: nothing left to sell');
    this.name = 'SoldOut';
  }
}
