import { Duration } from 'aws-cdk-lib';

/**
 * Alarm thresholds of every `TracedApi` (API Gateway stage) in the monitored scope.
 *
 * Rates and latency are evaluated over 5-minute periods and alarm on 2 of the last 3.
 */
export interface ApiAlarmThresholds {
  /**
   * Share of requests answered 5xx, in percent.
   *
   * @default 1
   */
  readonly serverErrorRatePercent?: number;
  /**
   * Share of requests answered 4xx, in percent: a spike means a broken client release, an
   * authorizer or token problem, or someone probing the API.
   *
   * @default 10
   */
  readonly clientErrorRatePercent?: number;
  /**
   * The p99 latency target of the stage (API Gateway `Latency`, Lambda included).
   *
   * @default Duration.seconds(1)
   */
  readonly latencyP99?: Duration;
  /**
   * Requests refused with 429 (stage, route or usage plan throttling) in 5 minutes, counted from
   * the access log; alarms when exceeded in one period.
   *
   * @default 10
   */
  readonly throttledRequests?: number;
}

/**
 * Alarm thresholds of every `TracedFunction` (route functions, workers, authorizers, consumers).
 */
export interface FunctionAlarmThresholds {
  /**
   * Share of invocations that failed (Lambda `Errors`: unhandled errors and timeouts), in percent;
   * 2 of 3 periods of 5 minutes.
   *
   * @default 1
   */
  readonly errorRatePercent?: number;
  /**
   * Throttled invocations in 5 minutes; alarms when exceeded in one period.
   *
   * @default 0
   */
  readonly throttles?: number;
  /**
   * The p99 duration, as a percentage of the function's timeout; 2 of 3 periods.
   *
   * @default 80
   */
  readonly durationP99PercentOfTimeout?: number;
  /**
   * Concurrent executions, as a percentage of the function's reserved concurrency (or, without a
   * reservation, of `accountConcurrencyLimit`); 2 of 3 periods.
   *
   * @default 80
   */
  readonly concurrencyPercentOfLimit?: number;
  /**
   * The account's Lambda concurrency quota in the region, for functions without reserved concurrency.
   *
   * @default 1000
   */
  readonly accountConcurrencyLimit?: number;
  /**
   * The oldest record a stream consumer (Kinesis or DynamoDB Streams event source) has not yet
   * processed; 2 of 3 periods.
   *
   * @default Duration.minutes(1)
   */
  readonly iteratorAge?: Duration;
}

/** Alarm thresholds of every `DataTable` (and `IdempotencyTable`). */
export interface TableAlarmThresholds {
  /**
   * Throttled read or write requests in 5 minutes (each direction its own alarm); alarms when
   * exceeded in one period.
   *
   * @default 0
   */
  readonly throttledRequests?: number;
  /**
   * DynamoDB system errors (HTTP 500 from the service) in 5 minutes; alarms when exceeded in one period.
   *
   * @default 0
   */
  readonly systemErrors?: number;
  /**
   * Average replication latency to each replica region; 2 of 3 periods.
   *
   * @default Duration.minutes(1)
   */
  readonly replicationLatency?: Duration;
}

/** Alarm thresholds of every `WorkQueue`. */
export interface QueueAlarmThresholds {
  /**
   * Messages in the dead-letter queue; alarms when exceeded in one period.
   *
   * @default 0
   */
  readonly deadLetterMessages?: number;
  /**
   * The age of the oldest message waiting in the queue; 2 of 3 periods.
   *
   * @default Duration.minutes(15)
   */
  readonly oldestMessageAge?: Duration;
}

/** Alarm thresholds of every `EventArchive`. */
export interface ArchiveAlarmThresholds {
  /**
   * The oldest record of the stream not yet read (by Firehose or any other consumer); 2 of 3 periods.
   *
   * @default Duration.minutes(5)
   */
  readonly iteratorAge?: Duration;
  /**
   * Records refused for throughput (`WriteProvisionedThroughputExceeded`, the average of a
   * 5-minute period): 0 alarms on any; alarms when exceeded in one period.
   *
   * @default 0
   */
  readonly writeThrottles?: number;
  /**
   * The age of the oldest record in Firehose not yet delivered to S3 (`DeliveryToS3.DataFreshness`):
   * three times the default buffering interval; 2 of 3 periods.
   *
   * @default Duration.minutes(15)
   */
  readonly dataFreshness?: Duration;
}

/** Alarm thresholds of every `SecureSite` and of the WAF WebACLs (edge and regional). */
export interface SiteAlarmThresholds {
  /**
   * CloudFront's share of requests answered 5xx, in percent; 2 of 3 periods.
   *
   * @default 1
   */
  readonly serverErrorRatePercent?: number;
  /**
   * CloudFront's p99 origin latency (reported only when the distribution's additional metrics
   * are on); 2 of 3 periods.
   *
   * @default Duration.seconds(3)
   */
  readonly originLatencyP99?: Duration;
  /**
   * Requests blocked by a WebACL in 5 minutes: a spike is an attack, a bot or a rule that blocks
   * real users; 2 of 3 periods.
   *
   * @default 500
   */
  readonly blockedRequests?: number;
}

/** Alarm thresholds of every `RedisCache` (per node). */
export interface CacheAlarmThresholds {
  /**
   * Host CPU utilization in percent; 2 of 3 periods.
   *
   * @default 80
   */
  readonly cpuPercent?: number;
  /**
   * Engine (Valkey/Redis thread) CPU utilization in percent; 2 of 3 periods.
   *
   * @default 80
   */
  readonly engineCpuPercent?: number;
  /**
   * Memory used by data, in percent of the node's maximum (`DatabaseMemoryUsagePercentage`); 2 of 3 periods.
   *
   * @default 80
   */
  readonly memoryPercent?: number;
  /**
   * Keys evicted for memory in 5 minutes; alarms when exceeded in one period.
   *
   * @default 0
   */
  readonly evictions?: number;
  /**
   * How far a replica is behind the primary; 2 of 3 periods.
   *
   * @default Duration.seconds(5)
   */
  readonly replicationLag?: Duration;
}
