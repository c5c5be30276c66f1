import { CloudWatchLogsClient, CreateLogGroupCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateIPSetCommand,
  CreateWebACLCommand,
  DeleteIPSetCommand,
  DeleteLoggingConfigurationCommand,
  DeleteWebACLCommand,
  GetIPSetCommand,
  GetWebACLCommand,
  IPAddressVersion,
  ListIPSetsCommand,
  ListWebACLsCommand,
  PutLoggingConfigurationCommand,
  Rule,
  UpdateIPSetCommand,
  UpdateWebACLCommand,
  WAFV2Client,
  WebACL,
} from '@aws-sdk/client-wafv2';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { respond as respondOnce } from '../private/cfn-response';

/**
 * Custom resource handler of `EdgeWebAcl`: keeps a CLOUDFRONT-scope WAF WebACL (and the IP sets its
 * rules reference) in us-east-1, whatever region the stack is deployed to.
 *
 * It answers CloudFormation itself (a PUT to the pre-signed ResponseURL) rather than running behind
 * the custom-resources Provider framework: every WAF call is synchronous, so the framework's extra
 * function, role and log group would add nothing but surface.
 */

/** CLOUDFRONT-scope WAF resources only exist in us-east-1. */
export const waf = new WAFV2Client({ region: 'us-east-1' });
/** WAF logs to CloudWatch Logs only in the WebACL's region: us-east-1. */
export const cloudWatchLogs = new CloudWatchLogsClient({ region: 'us-east-1' });

const SCOPE = 'CLOUDFRONT';
const IP_SET_PLACEHOLDER = /^\$\{IpSet:([A-Za-z0-9]+)\}$/;

/** Attempts and back-off for optimistic-lock conflicts and associations that are still being removed. */
export const retry = { attempts: 6, baseDelayMs: 500 };

export interface IpSetSpec {
  readonly Key: string;
  readonly IPAddressVersion: string;
  readonly Addresses: string[];
}

/** The resource properties `EdgeWebAcl` sends (CloudFormation turns every scalar into a string). */
export interface EdgeWebAclProperties {
  readonly Name: string;
  readonly Description?: string;
  readonly MetricName: string;
  /** Rules in WAF API shape; an IP set ARN is written as `${IpSet:<Key>}`. */
  readonly Rules: unknown[];
  readonly IpSets?: IpSetSpec[];
  /** The CloudWatch Logs log group in us-east-1 that receives the WebACL's request logs (`aws-waf-logs-...`). */
  readonly LogGroupName?: string;
  /** Retention of that log group, in days. */
  readonly LogRetentionDays?: string;
}

const WAF_LOG_GROUP = /^aws-waf-logs-[\w-]{1,499}$/;

export interface EdgeWebAclResult {
  readonly PhysicalResourceId: string;
  readonly Data: { Arn: string; Id: string; Name: string };
}

/** Lambda entry point: do the work, then always answer CloudFormation, before the function times out. */
export async function handler(event: CloudFormationCustomResourceEvent, context: Context): Promise<void> {
  const guardMs = Math.max(context.getRemainingTimeInMillis() - 10_000, 1_000);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`gave up after ${Math.round(guardMs / 1000)} s, before the function timeout`)), guardMs);
  });
  try {
    const outcome = await Promise.race([onEvent(event), timeout]);
    log('INFO', 'succeeded', { requestType: event.RequestType, physicalResourceId: outcome.PhysicalResourceId });
    await respond(event, 'SUCCESS', outcome.PhysicalResourceId, outcome.Data);
  } catch (e) {
    const reason = `${(e as Error).name ?? 'Error'}: ${(e as Error).message ?? String(e)}`;
    log('ERROR', 'failed', { requestType: event.RequestType, reason });
    // A failed Create has no WebACL: a placeholder id tells the rollback Delete there is nothing to do.
    const physicalId = event.RequestType === 'Create' ? `failed-${event.RequestId}` : event.PhysicalResourceId;
    await respond(event, 'FAILED', physicalId, undefined, `${reason} (log stream ${context.logStreamName})`);
  } finally {
    clearTimeout(timer);
  }
}

/** The work for one CloudFormation request. */
export async function onEvent(event: CloudFormationCustomResourceEvent): Promise<EdgeWebAclResult> {
  const props = parseProperties(event.ResourceProperties);
  switch (event.RequestType) {
    case 'Create':
      return create(props);
    case 'Update': {
      const old = parseProperties(event.OldResourceProperties);
      const current = parseArn(event.PhysicalResourceId);
      // A new name is a new WebACL: CloudFormation then deletes the old one.
      if (old.Name !== props.Name || !current) return create(props);
      return update(props, current.id);
    }
    case 'Delete':
      await remove(event.PhysicalResourceId);
      return { PhysicalResourceId: event.PhysicalResourceId, Data: { Arn: '', Id: '', Name: props.Name } };
  }
}

function parseProperties(raw: Record<string, unknown>): EdgeWebAclProperties {
  const problems: string[] = [];
  if (typeof raw.Name !== 'string' || !/^[\w-]{1,128}$/.test(raw.Name)) problems.push(`Name: ${JSON.stringify(raw.Name)}`);
  if (typeof raw.MetricName !== 'string' || raw.MetricName.length === 0) problems.push(`MetricName: ${JSON.stringify(raw.MetricName)}`);
  if (!Array.isArray(raw.Rules)) problems.push('Rules: not a list');
  if (raw.IpSets !== undefined && !Array.isArray(raw.IpSets)) problems.push('IpSets: not a list');
  if (raw.LogGroupName !== undefined && (typeof raw.LogGroupName !== 'string' || !WAF_LOG_GROUP.test(raw.LogGroupName))) {
    problems.push(`LogGroupName: ${JSON.stringify(raw.LogGroupName)} (WAF logs only to a log group named aws-waf-logs-...)`);
  }
  if (raw.LogRetentionDays !== undefined && !/^\d+$/.test(String(raw.LogRetentionDays))) problems.push(`LogRetentionDays: ${JSON.stringify(raw.LogRetentionDays)}`);
  if (problems.length > 0) throw new Error(`invalid resource properties: ${problems.join('; ')}`);
  return raw as unknown as EdgeWebAclProperties;
}

async function create(props: EdgeWebAclProperties): Promise<EdgeWebAclResult> {
  const ipSetArns = await upsertIpSets(props);
  const body = aclBody(props, ipSetArns);
  try {
    const out = await waf.send(new CreateWebACLCommand({ ...body, Scope: SCOPE }));
    await enableLogging(props, out.Summary!.ARN!);
    return result(out.Summary!.ARN!, out.Summary!.Id!, props.Name);
  } catch (e) {
    // A retried Create (the first attempt created the ACL but never answered): adopt it and bring it up to date.
    if (errorName(e) !== 'WAFDuplicateItemException') throw e;
    const existing = await findWebAcl(props.Name);
    if (!existing) throw e;
    return update(props, existing.id, ipSetArns);
  }
}

async function update(props: EdgeWebAclProperties, id: string, knownIpSetArns?: Record<string, string>): Promise<EdgeWebAclResult> {
  const before = await getWebAcl(props.Name, id);
  const ipSetArns = knownIpSetArns ?? await upsertIpSets(props, referencedIpSetArns(before.webAcl));
  const body = aclBody(props, ipSetArns);
  await withLockRetry(async (lockToken) => {
    await waf.send(new UpdateWebACLCommand({ ...body, Scope: SCOPE, Id: id, LockToken: lockToken }));
  }, async () => getWebAcl(props.Name, id), before);
  // IP sets the new rules no longer use go once nothing references them.
  const stale = referencedIpSetArns(before.webAcl).filter((arn) => !Object.values(ipSetArns).includes(arn));
  for (const arn of stale) await deleteIpSet(arn);
  await enableLogging(props, before.webAcl.ARN!);
  return result(before.webAcl.ARN!, id, props.Name);
}

/**
 * WAF's logging configuration of a WebACL: every request to the `aws-waf-logs-` log group in
 * us-east-1 of the WebACL's account (the only destination region WAF allows for it).
 */
export function loggingConfiguration(webAclArn: string, logGroupName: string): { ResourceArn: string; LogDestinationConfigs: string[] } {
  const [, partition, , , account] = webAclArn.split(':');
  return { ResourceArn: webAclArn, LogDestinationConfigs: [`arn:${partition}:logs:us-east-1:${account}:log-group:${logGroupName}`] };
}

/** Create the log group (kept when the WebACL goes: logs outlive it) and point the WebACL's logging at it. */
async function enableLogging(props: EdgeWebAclProperties, webAclArn: string): Promise<void> {
  const logGroupName = props.LogGroupName;
  if (!logGroupName) return;
  try {
    await cloudWatchLogs.send(new CreateLogGroupCommand({ logGroupName }));
  } catch (e) {
    if (errorName(e) !== 'ResourceAlreadyExistsException') throw e;
  }
  if (props.LogRetentionDays !== undefined) {
    await cloudWatchLogs.send(new PutRetentionPolicyCommand({ logGroupName, retentionInDays: Number(props.LogRetentionDays) }));
  }
  // WAF adds the log group's resource policy for log delivery itself (logs:PutResourcePolicy on the caller's behalf).
  await waf.send(new PutLoggingConfigurationCommand({ LoggingConfiguration: loggingConfiguration(webAclArn, logGroupName) }));
}

async function remove(physicalResourceId: string): Promise<void> {
  const parsed = parseArn(physicalResourceId);
  if (!parsed) return; // a Create that failed before any WebACL existed
  let current: LockedAcl;
  try {
    current = await getWebAcl(parsed.name, parsed.id);
  } catch (e) {
    if (errorName(e) === 'WAFNonexistentItemException') return;
    throw e;
  }
  const ipSets = referencedIpSetArns(current.webAcl);
  try {
    await waf.send(new DeleteLoggingConfigurationCommand({ ResourceArn: current.webAcl.ARN! }));
  } catch (e) {
    if (errorName(e) !== 'WAFNonexistentItemException') throw e;
  }
  try {
    await withLockRetry(async (lockToken) => {
      await waf.send(new DeleteWebACLCommand({ Scope: SCOPE, Name: parsed.name, Id: parsed.id, LockToken: lockToken }));
    }, async () => getWebAcl(parsed.name, parsed.id), current, ['WAFOptimisticLockException', 'WAFAssociatedItemException']);
  } catch (e) {
    if (errorName(e) !== 'WAFNonexistentItemException') throw e;
  }
  for (const arn of ipSets) await deleteIpSet(arn);
}

interface LockedAcl {
  readonly webAcl: WebACL;
  readonly lockToken: string;
}

async function getWebAcl(name: string, id: string): Promise<LockedAcl> {
  const out = await waf.send(new GetWebACLCommand({ Scope: SCOPE, Name: name, Id: id }));
  return { webAcl: out.WebACL!, lockToken: out.LockToken! };
}

/**
 * Run `action` with the current lock token; on a conflict (someone changed the resource since we read
 * it), read it again and retry with back-off.
 */
async function withLockRetry(action: (lockToken: string) => Promise<void>,
  reread: () => Promise<{ lockToken: string }>, first: { lockToken: string },
  retryOn: string[] = ['WAFOptimisticLockException']): Promise<void> {
  let current = first;
  for (let attempt = 1; ; attempt++) {
    try {
      await action(current.lockToken);
      return;
    } catch (e) {
      if (!retryOn.includes(errorName(e)) || attempt >= retry.attempts) throw e;
      log('WARN', 'retrying after a conflict', { error: errorName(e), attempt });
      await sleep(retry.baseDelayMs * attempt);
      current = await reread();
    }
  }
}

/** Create or update each IP set; returns their ARNs by key. */
async function upsertIpSets(props: EdgeWebAclProperties, inUse: string[] = []): Promise<Record<string, string>> {
  const arns: Record<string, string> = {};
  for (const spec of props.IpSets ?? []) {
    const name = `${props.Name}-${spec.Key}`.slice(0, 128);
    const current = inUse.map((arn) => ({ arn, ...parseArn(arn, 'ipset') })).find((s) => s.name === name);
    if (current?.id) {
      await updateIpSet(name, current.id, spec.Addresses);
      arns[spec.Key] = current.arn;
      continue;
    }
    try {
      const out = await waf.send(new CreateIPSetCommand({
        Scope: SCOPE,
        Name: name,
        IPAddressVersion: spec.IPAddressVersion as IPAddressVersion,
        Addresses: spec.Addresses,
        Description: `${spec.Key} list of WebACL ${props.Name}`.slice(0, 256),
      }));
      arns[spec.Key] = out.Summary!.ARN!;
    } catch (e) {
      if (errorName(e) !== 'WAFDuplicateItemException') throw e;
      const existing = await findIpSet(name);
      if (!existing) throw e;
      await updateIpSet(name, existing.id, spec.Addresses);
      arns[spec.Key] = existing.arn;
    }
  }
  return arns;
}

async function updateIpSet(name: string, id: string, addresses: string[]): Promise<void> {
  const read = async () => ({ lockToken: (await waf.send(new GetIPSetCommand({ Scope: SCOPE, Name: name, Id: id }))).LockToken! });
  await withLockRetry(async (lockToken) => {
    await waf.send(new UpdateIPSetCommand({ Scope: SCOPE, Name: name, Id: id, Addresses: addresses, LockToken: lockToken }));
  }, read, await read());
}

async function deleteIpSet(arn: string): Promise<void> {
  const parsed = parseArn(arn, 'ipset');
  if (!parsed) return;
  try {
    const first = await waf.send(new GetIPSetCommand({ Scope: SCOPE, Name: parsed.name, Id: parsed.id }));
    await withLockRetry(async (lockToken) => {
      await waf.send(new DeleteIPSetCommand({ Scope: SCOPE, Name: parsed.name, Id: parsed.id, LockToken: lockToken }));
    }, async () => {
      const again = await waf.send(new GetIPSetCommand({ Scope: SCOPE, Name: parsed.name, Id: parsed.id }));
      return { lockToken: again.LockToken! };
    }, { lockToken: first.LockToken! }, ['WAFOptimisticLockException', 'WAFAssociatedItemException']);
  } catch (e) {
    if (errorName(e) !== 'WAFNonexistentItemException') throw e;
  }
}

async function findWebAcl(name: string): Promise<{ id: string; arn: string } | undefined> {
  let marker: string | undefined;
  do {
    const out = await waf.send(new ListWebACLsCommand({ Scope: SCOPE, NextMarker: marker, Limit: 100 }));
    const hit = out.WebACLs?.find((a) => a.Name === name);
    if (hit) return { id: hit.Id!, arn: hit.ARN! };
    marker = out.NextMarker;
  } while (marker);
  return undefined;
}

async function findIpSet(name: string): Promise<{ id: string; arn: string } | undefined> {
  let marker: string | undefined;
  do {
    const out = await waf.send(new ListIPSetsCommand({ Scope: SCOPE, NextMarker: marker, Limit: 100 }));
    const hit = out.IPSets?.find((s) => s.Name === name);
    if (hit) return { id: hit.Id!, arn: hit.ARN! };
    marker = out.NextMarker;
  } while (marker);
  return undefined;
}

/** The CreateWebACL/UpdateWebACL input for the properties (without Scope, Id and LockToken). */
export function aclBody(props: EdgeWebAclProperties, ipSetArns: Record<string, string>) {
  return {
    Name: props.Name,
    Description: props.Description,
    DefaultAction: { Allow: {} },
    VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: props.MetricName },
    Rules: withIpSetArns(normalise(props.Rules), ipSetArns) as Rule[],
  };
}

/** Put the real IP set ARNs where the rules hold `${IpSet:<Key>}` placeholders. */
function withIpSetArns(value: unknown, arns: Record<string, string>): unknown {
  if (typeof value === 'string') {
    const m = IP_SET_PLACEHOLDER.exec(value);
    if (!m) return value;
    if (!arns[m[1]]) throw new Error(`rules reference IP set '${m[1]}', which IpSets does not define`);
    return arns[m[1]];
  }
  if (Array.isArray(value)) return value.map((v) => withIpSetArns(v, arns));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withIpSetArns(v, arns)]));
  }
  return value;
}

const NUMERIC_KEYS = new Set(['Priority', 'Limit', 'EvaluationWindowSec']);
const BOOLEAN_KEYS = new Set(['CloudWatchMetricsEnabled', 'SampledRequestsEnabled']);

/** CloudFormation passes every scalar of a custom resource as a string: give WAF its numbers and booleans back. */
function normalise(value: unknown, key?: string): unknown {
  if (typeof value === 'string' && key && NUMERIC_KEYS.has(key)) return Number(value);
  if (typeof value === 'string' && key && BOOLEAN_KEYS.has(key)) return value === 'true';
  if (Array.isArray(value)) return value.map((v) => normalise(v));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v, k)]));
  }
  return value;
}

function referencedIpSetArns(acl: WebACL): string[] {
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {v.forEach(walk);} else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        if (k === 'IPSetReferenceStatement' && typeof (child as { ARN?: string }).ARN === 'string') found.add((child as { ARN: string }).ARN);
        else walk(child);
      }
    }
  };
  walk(acl.Rules ?? []);
  return [...found];
}

/** `arn:aws:wafv2:us-east-1:123456789012:global/webacl/<name>/<id>` → name and id. */
export function parseArn(arn: string, kind: 'webacl' | 'ipset' = 'webacl'): { name: string; id: string } | undefined {
  const m = new RegExp(`^arn:[\\w-]+:wafv2:us-east-1:\\d{12}:global/${kind}/([\\w-]+)/([\\w-]+)$`).exec(arn ?? '');
  return m ? { name: m[1], id: m[2] } : undefined;
}

function result(arn: string, id: string, name: string): EdgeWebAclResult {
  return { PhysicalResourceId: arn, Data: { Arn: arn, Id: id, Name: name } };
}

function errorName(e: unknown): string {
  return (e as { name?: string })?.name ?? 'Error';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function log(level: 'INFO' | 'WARN' | 'ERROR', message: string, extra: Record<string, unknown>): void {
  console.log(JSON.stringify({ level, message, ...extra }));
}

/** Answer CloudFormation on the pre-signed S3 URL of the request. */
export function respond(event: CloudFormationCustomResourceEvent, status: 'SUCCESS' | 'FAILED',
  physicalResourceId: string, data?: Record<string, string>, reason?: string): Promise<void> {
  return respondOnce(event, status, physicalResourceId, data, reason, { attempts: 3, baseDelayMs: retry.baseDelayMs });
}
