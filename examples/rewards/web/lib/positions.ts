import { ApiError, RewardsApi } from './api';

/** The API takes at most one position a second per user (429 otherwise). */
const MIN_INTERVAL_MS = 1000;

/**
 * Sends the device's position (`navigator.geolocation`) to `POST /locations` while started: each
 * new fix, at most one a second, with its accuracy (capped at the 100 m the API accepts). `onSent`
 * and `onProblem` tell the page what happened, for its status line.
 */
export class PositionSender {
  private watch?: number;
  private lastSent = 0;
  private pending?: GeolocationPosition;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly api: RewardsApi,
    private readonly onSent: (p: GeolocationPosition) => void,
    private readonly onProblem: (message: string) => void,
  ) {}

  get running(): boolean {
    return this.watch !== undefined;
  }

  start(): void {
    if (this.watch !== undefined) return;
    if (!('geolocation' in navigator)) {
      this.onProblem('This device cannot tell its position.');
      return;
    }
    this.watch = navigator.geolocation.watchPosition(
      (p) => this.queue(p),
      (e) => this.onProblem(e.code === e.PERMISSION_DENIED ? 'Allow this page to use your location to be found nearby.' : `No position: ${e.message}`),
      { enableHighAccuracy: true, maximumAge: 0, timeout: 15_000 },
    );
  }

  stop(): void {
    if (this.watch !== undefined) navigator.geolocation.clearWatch(this.watch);
    this.watch = undefined;
    clearTimeout(this.timer);
    this.pending = undefined;
  }

  private queue(p: GeolocationPosition): void {
    this.pending = p;
    const wait = this.lastSent + MIN_INTERVAL_MS - Date.now();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => { void this.flush(); }, Math.max(0, wait));
  }

  private async flush(): Promise<void> {
    const p = this.pending;
    if (!p || this.watch === undefined) return;
    this.pending = undefined;
    this.lastSent = Date.now();
    try {
      await this.api.call('POST', '/locations', {
        latitude: p.coords.latitude,
        longitude: p.coords.longitude,
        accuracy: Math.min(100, Math.max(1, p.coords.accuracy || 1)),
      });
      this.onSent(p);
    } catch (error) {
      if (error instanceof ApiError && error.status === 429) {
        // Too soon after the last one: send this fix again once the API takes one.
        this.pending ??= p;
        this.timer = setTimeout(() => { void this.flush(); }, (error.retryAfterSeconds ?? 1) * 1000);
        return;
      }
      this.onProblem(error instanceof ApiError ? error.message : String(error));
    }
  }
}
