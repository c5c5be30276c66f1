/**
 * `node -r` preload: makes `Compliance.enable()` a no-op, so an example app synthesizes without the
 * packs and the cost of the packs shows as the difference. Only for benchmarks.
 */
import { Compliance } from '../../src/compliance';

Compliance.prototype.enable = function enable(): void { /* packs off for this measurement */ };
