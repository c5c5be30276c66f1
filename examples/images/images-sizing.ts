import type { ContainerServiceSchedule } from '../../src/compute';

/** How big one images deployment is: the front end's tasks, the cache's nodes, the worker's concurrency, the API's limits. */
export interface ImagesSizing {
  /** The gallery's Fargate tasks. */
  readonly frontend: {
    /** CPU units of a task. */
    readonly cpu: number;
    /** Memory of a task (MiB), within what Fargate allows for `cpu`. */
    readonly memoryLimitMiB: number;
    /** Tasks at least (while the service runs). */
    readonly minCapacity: number;
    /** Tasks at most. */
    readonly maxCapacity: number;
    /** Working hours: zero tasks outside them. Absent: always on. */
    readonly schedule?: ContainerServiceSchedule;
  };
  /** The Redis cache of compositions and locks. */
  readonly cache: {
    /** The node type. */
    readonly cacheNodeType: string;
    /** Read replicas next to the primary. */
    readonly replicas: number;
    /** Promote a replica when the primary fails (needs a replica). */
    readonly automaticFailover: boolean;
  };
  /** The compose worker. */
  readonly worker: {
    /** Concurrent batches the queue's event source runs at most (2 to 1000). */
    readonly maxConcurrency: number;
  };
  /** The API stage's throttle (requests per second, burst). */
  readonly api: { readonly rateLimit: number; readonly burstLimit: number };
}

/**
 * The sizes of the delivery environments, by their names. DEV costs little when idle: its front end
 * runs in working hours only (UTC, Monday to Friday) and its cache is one small node. PROD spreads
 * over Availability Zones with room to grow.
 */
export const IMAGES_SIZING = {
  DEV: {
    frontend: { cpu: 256, memoryLimitMiB: 512, minCapacity: 1, maxCapacity: 2, schedule: { startHour: 7, stopHour: 19, weekDays: 'MON-FRI', timeZone: 'UTC' } },
    cache: { cacheNodeType: 'cache.t4g.micro', replicas: 0, automaticFailover: false },
    worker: { maxConcurrency: 2 },
    api: { rateLimit: 50, burstLimit: 100 },
  },
  UAT: {
    frontend: { cpu: 512, memoryLimitMiB: 1024, minCapacity: 2, maxCapacity: 4 },
    cache: { cacheNodeType: 'cache.t4g.small', replicas: 1, automaticFailover: true },
    worker: { maxConcurrency: 5 },
    api: { rateLimit: 200, burstLimit: 400 },
  },
  PROD: {
    frontend: { cpu: 1024, memoryLimitMiB: 2048, minCapacity: 3, maxCapacity: 20 },
    cache: { cacheNodeType: 'cache.r7g.large', replicas: 2, automaticFailover: true },
    worker: { maxConcurrency: 50 },
    api: { rateLimit: 1000, burstLimit: 2000 },
  },
} as const satisfies Record<string, ImagesSizing>;

/** The names of the sized environments. */
export type ImagesEnvironmentName = keyof typeof IMAGES_SIZING;

/** The sizing of a delivery environment by name (`DEV`, `UAT`, `PROD`); throws naming the allowed names otherwise. */
export function imagesSizingFor(environmentName: string): ImagesSizing {
  const sizing = (IMAGES_SIZING as Record<string, ImagesSizing>)[environmentName];
  if (sizing === undefined) {
    throw new Error(`environmentName: ${JSON.stringify(environmentName)}; allowed: ${Object.keys(IMAGES_SIZING).join(', ')}`);
  }
  return sizing;
}
