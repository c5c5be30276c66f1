import { Duration, Token } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';

/**
 * Props validation shared by every construct: problems are collected as (prop path, value, what is
 * allowed) and thrown together as one error in one format, so a user fixes every prop in one pass:
 *
 *   RedisCache 'App/Stack/Cache' has invalid props:
 *     - engineVersion: '6.0'; allowed: for VALKEY one of '7.2', '8.0', ...
 *     - snapshotWindow: '05:30-06:30' overlaps maintenanceWindow 'sun:05:00-sun:06:00'; allowed: ...
 *
 * Guards skip values that are unresolved tokens: they are only known at deploy time.
 */

/** One problem: the prop's path (e.g. `routes[2].path`), its value as shown, and what is allowed. */
export interface Problem {
  readonly prop: string;
  readonly value: string;
  readonly allowed: string;
}

/** The one error every construct throws for invalid props. */
export class PropsError extends Error {
  constructor(header: string, public readonly problems: Problem[]) {
    super(`${header}:\n${problems.map((p) => `  - ${p.prop}: ${p.value}; allowed: ${p.allowed}`).join('\n')}`);
    this.name = 'PropsError';
  }
}

/** A region name such as `eu-west-1`, `us-gov-west-1` or `cn-north-1`. */
export const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
/** A 12-digit AWS account id. */
export const ACCOUNT_ID = /^\d{12}$/;
/** An ARN: `arn:<partition>:<service>:<region>:<account>:<resource>`. */
export const ARN = /^arn:(aws|aws-cn|aws-us-gov|aws-iso[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|aws)?:(.+)$/;
/** An S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens (no `..`: check that apart). */
export const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** A DNS name of at least two labels, optionally ending with '.'. */
export const DOMAIN_NAME = /^(?=.{1,253}\.?$)(\*\.)?([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}\.?$/;

/** True when the value is known at synth (not an unresolved token). */
export function known(value: unknown): boolean {
  if (value instanceof Duration) return !value.isUnresolved();
  return !Token.isUnresolved(value);
}

/** A value shown as these words rather than as data, e.g. `both given`. */
export class Described {
  constructor(public readonly text: string) {}
}

/** Shows a value as words: `v.fail('a, b', described('both given'), 'one of them')`. */
export function described(text: string): Described {
  return new Described(text);
}

/** How a value is shown in a problem: strings quoted, lists as JSON, durations in words. */
export function show(value: unknown): string {
  if (value === undefined) return 'not set';
  if (value instanceof Described) return value.text;
  if (typeof value === 'string') {
    const text = value.replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
    return text.length > 240 ? `'${text.slice(0, 200)}…' (${value.length} characters)` : `'${text}'`;
  }
  if (value instanceof Duration) return value.isUnresolved() ? 'a token' : value.toHumanString();
  if (isConstruct(value)) return `'${value.node.path || '<root>'}'`;
  if (typeof value === 'object' && value !== null) {
    let json: string;
    try {
      json = JSON.stringify(value, (_k, v) => (isConstruct(v) ? v.node.path : v instanceof Duration ? v.toHumanString() : v)) ?? String(value);
    } catch {
      json = String(value);
    }
    return json.length > 120 ? `${json.slice(0, 100)}…` : json;
  }
  return String(value);
}

/** What a duration must be: within `min`..`max`, or one of `oneOf`; `allowed` words it. */
export interface DurationRule {
  readonly min?: Duration;
  readonly max?: Duration;
  readonly oneOf?: Duration[];
  readonly allowed?: string;
}

/** Collects the problems of one construct's props, then throws them as one `PropsError`. */
export class Validation {
  private readonly found: Problem[] = [];

  /**
   * @param kind the construct's class name, e.g. `RedisCache`
   * @param scope the construct (its path is named) or a name of what is validated
   * @param what what is validated: `props`, or e.g. `arguments of addNamedQuery`
   */
  constructor(private readonly kind: string, private readonly scope: IConstruct | string, private readonly what = 'props') {}

  /** The problems found so far. */
  public get problems(): readonly Problem[] {
    return this.found;
  }

  /**
   * Records a problem.
   *
   * @param prop the prop's path, e.g. `routes[0].path`
   * @param value the value given (shown by `show`)
   * @param allowed what is allowed instead
   * @param why a few words after the value, e.g. `is below rateLimit 100`
   */
  public fail(prop: string, value: unknown, allowed: string, why?: string): this {
    this.found.push({ prop, value: why ? `${show(value)} ${why}` : show(value), allowed });
    return this;
  }

  /** Records a problem when `ok` is false and the value is known; returns `ok`. */
  public check(prop: string, value: unknown, ok: boolean, allowed: string, why?: string): boolean {
    if (!ok && known(value)) this.fail(prop, value, allowed, why);
    return ok || !known(value);
  }

  /** The value, when given and known, must be one of `allowed`. */
  public oneOf<T>(prop: string, value: T | undefined, allowed: readonly T[], why?: string): boolean {
    if (value === undefined || !known(value)) return true;
    return this.check(prop, value, allowed.includes(value), `one of ${allowed.map(show).join(', ')}`, why);
  }

  /** The value, when given and known, must be an integer from `min` to `max`. */
  public integer(prop: string, value: number | undefined, min: number, max: number, unit = ''): boolean {
    if (value === undefined || !known(value)) return true;
    const ok = Number.isInteger(value) && value >= min && value <= max;
    return this.check(prop, value, ok, `an integer from ${min} to ${max}${unit ? ` ${unit}` : ''}`);
  }

  /** The value, when given and known, must be a number from `min` to `max`. */
  public range(prop: string, value: number | undefined, min: number, max: number, unit = ''): boolean {
    if (value === undefined || !known(value)) return true;
    return this.check(prop, value, value >= min && value <= max, `${min} to ${max}${unit ? ` ${unit}` : ''}`);
  }

  /** The string, when given and known, must match `pattern`. */
  public matches(prop: string, value: string | undefined, pattern: RegExp, allowed: string, why?: string): boolean {
    if (value === undefined || !known(value)) return true;
    return this.check(prop, value, pattern.test(value), allowed, why);
  }

  /** A region name such as `eu-west-1`. */
  public region(prop: string, value: string | undefined): boolean {
    return this.matches(prop, value, REGION, "a region name, e.g. 'eu-west-1'", 'is not a region');
  }

  /** A 12-digit account id. */
  public accountId(prop: string, value: string | undefined): boolean {
    return this.matches(prop, value, ACCOUNT_ID, '12 digits', 'is not an account id');
  }

  /**
   * An ARN, of `service` when given (and, with `resource`, whose resource part matches it).
   *
   * @param example an ARN shown as what is allowed
   */
  public arn(prop: string, value: string | undefined, service?: string, example?: string, resource?: RegExp): boolean {
    if (value === undefined || !known(value)) return true;
    const m = ARN.exec(value);
    const ok = m !== null && (service === undefined || m[2] === service) && (resource === undefined || resource.test(m[5]));
    const what = service ? `a ${service} ARN` : 'an ARN';
    return this.check(prop, value, ok, example ? `${what} such as '${example}'` : what, `is not ${what}`);
  }

  /** A duration, when given and known, must follow the rule. */
  public duration(prop: string, value: Duration | undefined, opts: DurationRule): boolean {
    if (value === undefined || value.isUnresolved()) return true;
    const ms = value.toMilliseconds();
    const ok = (opts.min === undefined || ms >= opts.min.toMilliseconds())
      && (opts.max === undefined || ms <= opts.max.toMilliseconds())
      && (opts.oneOf === undefined || opts.oneOf.some((d) => d.toMilliseconds() === ms));
    const allowed = opts.allowed
      ?? (opts.oneOf ? `one of ${opts.oneOf.map((d) => d.toHumanString()).join(', ')}`
        : `${opts.min?.toHumanString() ?? '0'} to ${opts.max?.toHumanString() ?? 'any length'}`);
    return this.check(prop, value, ok, allowed);
  }

  /** A log retention that ends: not `RetentionDays.INFINITE`. */
  public retention(prop: string, value: logs.RetentionDays | undefined): boolean {
    if (value === undefined) return true;
    const forever = (value as number) === 0 || value === logs.RetentionDays.INFINITE;
    return this.check(prop, value, !forever, 'a logs.RetentionDays value with a limit', 'keeps logs forever');
  }

  /** A list, when given and known, must not be empty. */
  public nonEmpty(prop: string, list: readonly unknown[] | undefined, allowed: string): boolean {
    if (list === undefined || !known(list)) return true;
    return this.check(prop, list, list.length > 0, allowed);
  }

  /**
   * Records problems that arrive as text `prop: value; allowed: ...` (e.g. from a user's extension
   * point); a line of another shape is recorded under `prop` as it is.
   */
  public lines(prop: string, lines: readonly string[]): void {
    for (const line of lines) {
      const m = /^([^\s:][^:]*): (.*); allowed: (.*)$/s.exec(line);
      this.found.push(m ? { prop: m[1], value: m[2], allowed: m[3] } : { prop, value: line, allowed: 'see the message' });
    }
  }

  /** Adds a prefix (e.g. `usagePlan.`) to problems recorded by `fn`. */
  public within(prefix: string, fn: (v: Validation) => void): void {
    const inner = new Validation(this.kind, this.scope, this.what);
    fn(inner);
    for (const p of inner.found) this.found.push({ ...p, prop: `${prefix}${p.prop}` });
  }

  /** Throws every problem found as one error; does nothing when there is none. */
  public throwIfInvalid(): void {
    if (this.found.length === 0) return;
    const where = typeof this.scope === 'string' ? this.scope : this.scope.node.path || '<root>';
    throw new PropsError(`${this.kind} '${where}' has invalid ${this.what}`, [...this.found]);
  }
}

function isConstruct(x: unknown): x is IConstruct {
  return typeof x === 'object' && x !== null && 'node' in x && typeof (x as IConstruct).node?.path === 'string';
}
