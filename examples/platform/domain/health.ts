import type { PlatformServiceName } from '../system';

export interface Health {
  readonly service: PlatformServiceName;
  readonly status: 'OK' | 'UNAVAILABLE';
  readonly database: 'OK' | 'UNAVAILABLE';
}

/** How long the database may take to answer the health check before the service calls itself unavailable. */
export const HEALTH_TIMEOUT_MS = 1_500;

/**
 * A service's health: its database answers a read of the service's own schema within
 * HEALTH_TIMEOUT_MS, or the service is unavailable (the load balancer and the alarms act on it).
 */
export async function checkHealth(service: PlatformServiceName, ping: () => Promise<void>, timeoutMs = HEALTH_TIMEOUT_MS): Promise<Health> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
  });
  try {
    await Promise.race([ping(), timeout]);
    return { service, status: 'OK', database: 'OK' };
  } catch {
    return { service, status: 'UNAVAILABLE', database: 'UNAVAILABLE' };
  } finally {
    clearTimeout(timer);
  }
}
