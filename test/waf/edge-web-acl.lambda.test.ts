import {
  CreateIPSetCommand,
  CreateWebACLCommand,
  DeleteIPSetCommand,
  DeleteWebACLCommand,
  GetIPSetCommand,
  GetWebACLCommand,
  ListWebACLsCommand,
  UpdateIPSetCommand,
  UpdateWebACLCommand,
  WAFAssociatedItemException,
  WAFDuplicateItemException,
  WAFInvalidParameterException,
  WAFNonexistentItemException,
  WAFOptimisticLockException,
  WAFV2Client,
} from '@aws-sdk/client-wafv2';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { handler, retry } from '../../src/waf/edge-web-acl.lambda';

const wafMock = mockClient(WAFV2Client);
const ACCOUNT = '123456789012';
const NAME = 'Site-Waf-ABCD1234-eu-west-1';
const ACL_ID = 'a1b2c3d4-0000-1111-2222-333344445555';
const ACL_ARN = `arn:aws:wafv2:us-east-1:${ACCOUNT}:global/webacl/${NAME}/${ACL_ID}`;
const IPSET_ARN = (key: string) => `arn:aws:wafv2:us-east-1:${ACCOUNT}:global/ipset/${NAME}-${key}/id-${key}`;
const meta = { $metadata: {} };

/** Properties as CloudFormation delivers them: every scalar a string. */
function properties(overrides: Record<string, unknown> = {}): Record<string, any> {
  return {
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:handler',
    Name: NAME,
    Description: 'WebACL of Site/Waf',
    MetricName: 'WafWebAcl',
    Rules: [
      {
        Name: 'RateLimitPerIp',
        Priority: '0',
        Action: { Block: {} },
        Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: '2000', EvaluationWindowSec: '300' } },
        VisibilityConfig: { CloudWatchMetricsEnabled: 'true', SampledRequestsEnabled: 'true', MetricName: 'WafRateLimitPerIp' },
      },
    ],
    IpSets: [],
    ...overrides,
  };
}

const ipRule = {
  Name: 'IpDenyList',
  Priority: '0',
  Action: { Block: {} },
  Statement: { IPSetReferenceStatement: { ARN: '${IpSet:DenyIPv4}' } },
  VisibilityConfig: { CloudWatchMetricsEnabled: 'true', SampledRequestsEnabled: 'true', MetricName: 'WafIpDenyList' },
};

function event(requestType: 'Create' | 'Update' | 'Delete', extra: Record<string, unknown> = {}): CloudFormationCustomResourceEvent {
  return {
    RequestType: requestType,
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:handler',
    ResponseURL: 'https://cloudformation-custom-resource-response.s3.amazonaws.com/presigned',
    StackId: `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/Site/guid`,
    RequestId: 'req-1',
    LogicalResourceId: 'WafResource',
    ResourceType: 'Custom::EdgeWebAcl',
    ResourceProperties: properties(),
    ...(requestType === 'Create' ? {} : { PhysicalResourceId: ACL_ARN }),
    ...(requestType === 'Update' ? { OldResourceProperties: properties() } : {}),
    ...extra,
  } as CloudFormationCustomResourceEvent;
}

const context = { getRemainingTimeInMillis: () => 300_000, logStreamName: '2026/11/21/[$LATEST]abc' } as unknown as Context;

let fetchMock: jest.SpyInstance;
/** The body the handler sent to CloudFormation. */
function response(): any {
  expect(fetchMock).toHaveBeenCalledTimes(1);
  const [url, init] = fetchMock.mock.calls[0];
  expect(url).toBe('https://cloudformation-custom-resource-response.s3.amazonaws.com/presigned');
  expect(init.method).toBe('PUT');
  return JSON.parse(init.body);
}

function aclWithRules(rules: unknown[] = []) {
  return { WebACL: { Name: NAME, Id: ACL_ID, ARN: ACL_ARN, Rules: rules } as any, LockToken: 'token-1', ...meta };
}

beforeEach(() => {
  wafMock.reset();
  retry.baseDelayMs = 1;
  fetchMock = jest.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(null, { status: 200 }));
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

describe('EdgeWebAcl handler: create', () => {
  test('creates a CLOUDFRONT WebACL in us-east-1 with typed rules and answers SUCCESS with its ARN', async () => {
    wafMock.on(CreateWebACLCommand).resolves({ Summary: { ARN: ACL_ARN, Id: ACL_ID, Name: NAME }, ...meta });

    await handler(event('Create'), context);

    expect(await wafMock.call(0).thisValue.config.region()).toBe('us-east-1');
    const input = wafMock.commandCalls(CreateWebACLCommand)[0].args[0].input;
    expect(input).toEqual({
      Name: NAME,
      Scope: 'CLOUDFRONT',
      Description: 'WebACL of Site/Waf',
      DefaultAction: { Allow: {} },
      VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: 'WafWebAcl' },
      Rules: [{
        Name: 'RateLimitPerIp',
        Priority: 0,
        Action: { Block: {} },
        Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 2000, EvaluationWindowSec: 300 } },
        VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: 'WafRateLimitPerIp' },
      }],
    });
    expect(response()).toEqual({
      Status: 'SUCCESS',
      Reason: 'SUCCESS',
      PhysicalResourceId: ACL_ARN,
      StackId: `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/Site/guid`,
      RequestId: 'req-1',
      LogicalResourceId: 'WafResource',
      NoEcho: false,
      Data: { Arn: ACL_ARN, Id: ACL_ID, Name: NAME },
    });
  });

  test('creates the IP sets first and puts their ARNs into the rules', async () => {
    wafMock.on(CreateIPSetCommand).resolves({ Summary: { ARN: IPSET_ARN('DenyIPv4'), Id: 'id-DenyIPv4', Name: `${NAME}-DenyIPv4` }, ...meta });
    wafMock.on(CreateWebACLCommand).resolves({ Summary: { ARN: ACL_ARN, Id: ACL_ID, Name: NAME }, ...meta });

    await handler(event('Create', {
      ResourceProperties: properties({ Rules: [ipRule], IpSets: [{ Key: 'DenyIPv4', IPAddressVersion: 'IPV4', Addresses: ['198.51.100.0/24'] }] }),
    }), context);

    expect(wafMock.commandCalls(CreateIPSetCommand)[0].args[0].input).toMatchObject({
      Scope: 'CLOUDFRONT', Name: `${NAME}-DenyIPv4`, IPAddressVersion: 'IPV4', Addresses: ['198.51.100.0/24'],
    });
    const rules = wafMock.commandCalls(CreateWebACLCommand)[0].args[0].input.Rules!;
    expect(rules[0].Statement).toEqual({ IPSetReferenceStatement: { ARN: IPSET_ARN('DenyIPv4') } });
    expect(response().Status).toBe('SUCCESS');
  });

  test('a retried create adopts the WebACL the first attempt made and updates it', async () => {
    wafMock.on(CreateWebACLCommand).rejects(new WAFDuplicateItemException({ message: 'exists', ...meta }));
    wafMock.on(ListWebACLsCommand).resolves({ WebACLs: [{ Name: 'other', Id: 'x', ARN: 'arn:x' }, { Name: NAME, Id: ACL_ID, ARN: ACL_ARN }], ...meta });
    wafMock.on(GetWebACLCommand).resolves(aclWithRules());
    wafMock.on(UpdateWebACLCommand).resolves({ NextLockToken: 'token-2', ...meta });

    await handler(event('Create'), context);

    expect(wafMock.commandCalls(UpdateWebACLCommand)[0].args[0].input).toMatchObject({ Id: ACL_ID, LockToken: 'token-1', Scope: 'CLOUDFRONT' });
    expect(response()).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ACL_ARN });
  });

  test('a WAF error fails the create with the reason, and a placeholder id the rollback delete ignores', async () => {
    wafMock.on(CreateWebACLCommand).rejects(new WAFInvalidParameterException({ message: 'Field: RULE, Parameter: Limit', ...meta }));

    await handler(event('Create'), context);

    const body = response();
    expect(body.Status).toBe('FAILED');
    expect(body.Reason).toMatch(/^WAFInvalidParameterException: Field: RULE, Parameter: Limit \(log stream 2026\/11\/21/);
    expect(body.PhysicalResourceId).toBe('failed-req-1');

    fetchMock.mockClear();
    wafMock.reset();
    await handler(event('Delete', { PhysicalResourceId: 'failed-req-1' }), context);
    expect(wafMock.calls()).toHaveLength(0);
    expect(response()).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'failed-req-1' });
  });

  test('invalid properties fail without calling WAF', async () => {
    await handler(event('Create', { ResourceProperties: properties({ Name: 'has spaces', Rules: 'x' }) }), context);
    expect(wafMock.calls()).toHaveLength(0);
    expect(response().Reason).toMatch(/invalid resource properties: Name: "has spaces"; Rules: not a list/);
  });

  test('a handler close to its timeout answers FAILED instead of leaving the stack waiting', async () => {
    wafMock.on(CreateWebACLCommand).callsFake(() => new Promise(() => undefined));
    const short = { ...context, getRemainingTimeInMillis: () => 10_050 } as Context;
    await handler(event('Create'), short);
    expect(response()).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(/gave up after 1 s/) });
  });
});

describe('EdgeWebAcl handler: update', () => {
  test('updates in place with the lock token, and retries with a fresh token when it was stale', async () => {
    wafMock.on(GetWebACLCommand)
      .resolvesOnce(aclWithRules())
      .resolves({ ...aclWithRules(), LockToken: 'token-2' });
    wafMock.on(UpdateWebACLCommand)
      .rejectsOnce(new WAFOptimisticLockException({ message: 'stale lock token', ...meta }))
      .resolves({ NextLockToken: 'token-3', ...meta });

    await handler(event('Update'), context);

    const updates = wafMock.commandCalls(UpdateWebACLCommand).map((c) => c.args[0].input);
    expect(updates.map((u) => u.LockToken)).toEqual(['token-1', 'token-2']);
    expect(updates[1]).toMatchObject({ Scope: 'CLOUDFRONT', Name: NAME, Id: ACL_ID, DefaultAction: { Allow: {} } });
    expect(wafMock.commandCalls(CreateWebACLCommand)).toHaveLength(0);
    expect(response()).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ACL_ARN, Data: { Arn: ACL_ARN } });
  });

  test('gives up after the configured attempts and answers FAILED', async () => {
    wafMock.on(GetWebACLCommand).resolves(aclWithRules());
    wafMock.on(UpdateWebACLCommand).rejects(new WAFOptimisticLockException({ message: 'stale lock token', ...meta }));

    await handler(event('Update'), context);

    expect(wafMock.commandCalls(UpdateWebACLCommand)).toHaveLength(retry.attempts);
    expect(response()).toMatchObject({ Status: 'FAILED', PhysicalResourceId: ACL_ARN, Reason: expect.stringMatching(/^WAFOptimisticLockException/) });
  });

  test('deletes the IP sets the new rules no longer reference, after the WebACL stops using them', async () => {
    wafMock.on(GetWebACLCommand).resolves(aclWithRules([{ Statement: { IPSetReferenceStatement: { ARN: IPSET_ARN('DenyIPv4') } } }]));
    wafMock.on(UpdateWebACLCommand).resolves({ NextLockToken: 'token-2', ...meta });
    wafMock.on(GetIPSetCommand).resolves({ LockToken: 'ip-token', ...meta });
    wafMock.on(DeleteIPSetCommand).resolves(meta);

    await handler(event('Update'), context);

    expect(wafMock.commandCalls(DeleteIPSetCommand)[0].args[0].input).toEqual({
      Scope: 'CLOUDFRONT', Name: `${NAME}-DenyIPv4`, Id: 'id-DenyIPv4', LockToken: 'ip-token',
    });
    const order = wafMock.calls().map((c) => c.args[0].constructor.name);
    expect(order.indexOf('UpdateWebACLCommand')).toBeLessThan(order.indexOf('DeleteIPSetCommand'));
    expect(response().Status).toBe('SUCCESS');
  });

  test('updates the addresses of an IP set the WebACL already uses, with its lock token', async () => {
    wafMock.on(GetWebACLCommand).resolves(aclWithRules([{ Statement: { IPSetReferenceStatement: { ARN: IPSET_ARN('DenyIPv4') } } }]));
    wafMock.on(GetIPSetCommand).resolves({ LockToken: 'ip-token', ...meta });
    wafMock.on(UpdateIPSetCommand).resolves({ NextLockToken: 'ip-token-2', ...meta });
    wafMock.on(UpdateWebACLCommand).resolves({ NextLockToken: 'token-2', ...meta });

    await handler(event('Update', {
      ResourceProperties: properties({ Rules: [ipRule], IpSets: [{ Key: 'DenyIPv4', IPAddressVersion: 'IPV4', Addresses: ['192.0.2.0/24'] }] }),
    }), context);

    expect(wafMock.commandCalls(CreateIPSetCommand)).toHaveLength(0);
    expect(wafMock.commandCalls(UpdateIPSetCommand)[0].args[0].input).toEqual({
      Scope: 'CLOUDFRONT', Name: `${NAME}-DenyIPv4`, Id: 'id-DenyIPv4', Addresses: ['192.0.2.0/24'], LockToken: 'ip-token',
    });
    expect(wafMock.commandCalls(UpdateWebACLCommand)[0].args[0].input.Rules![0].Statement).toEqual({ IPSetReferenceStatement: { ARN: IPSET_ARN('DenyIPv4') } });
    expect(wafMock.commandCalls(DeleteIPSetCommand)).toHaveLength(0);
    expect(response().Status).toBe('SUCCESS');
  });

  test('a new name creates a new WebACL (CloudFormation then deletes the old one)', async () => {
    const newArn = `arn:aws:wafv2:us-east-1:${ACCOUNT}:global/webacl/Renamed/new-id`;
    wafMock.on(CreateWebACLCommand).resolves({ Summary: { ARN: newArn, Id: 'new-id', Name: 'Renamed' }, ...meta });

    await handler(event('Update', { ResourceProperties: properties({ Name: 'Renamed' }) }), context);

    expect(wafMock.commandCalls(UpdateWebACLCommand)).toHaveLength(0);
    expect(response()).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: newArn });
  });
});

describe('EdgeWebAcl handler: delete', () => {
  test('deletes the WebACL with its lock token, then its IP sets', async () => {
    wafMock.on(GetWebACLCommand).resolves(aclWithRules([{ Statement: { IPSetReferenceStatement: { ARN: IPSET_ARN('AllowIPv6') } } }]));
    wafMock.on(DeleteWebACLCommand).resolves(meta);
    wafMock.on(GetIPSetCommand).resolves({ LockToken: 'ip-token', ...meta });
    wafMock.on(DeleteIPSetCommand).resolves(meta);

    await handler(event('Delete'), context);

    expect(wafMock.commandCalls(DeleteWebACLCommand)[0].args[0].input).toEqual({ Scope: 'CLOUDFRONT', Name: NAME, Id: ACL_ID, LockToken: 'token-1' });
    expect(wafMock.commandCalls(DeleteIPSetCommand)[0].args[0].input).toMatchObject({ Name: `${NAME}-AllowIPv6`, Id: 'id-AllowIPv6' });
    expect(response()).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ACL_ARN });
  });

  test('an already-deleted WebACL is a successful delete', async () => {
    wafMock.on(GetWebACLCommand).rejects(new WAFNonexistentItemException({ message: 'gone', ...meta }));

    await handler(event('Delete'), context);

    expect(wafMock.commandCalls(DeleteWebACLCommand)).toHaveLength(0);
    expect(response()).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ACL_ARN });
  });

  test('a WebACL that disappears between read and delete is a successful delete', async () => {
    wafMock.on(GetWebACLCommand).resolves(aclWithRules());
    wafMock.on(DeleteWebACLCommand).rejects(new WAFNonexistentItemException({ message: 'gone', ...meta }));

    await handler(event('Delete'), context);
    expect(response().Status).toBe('SUCCESS');
  });

  test('waits while CloudFront still holds the WebACL, then deletes it', async () => {
    wafMock.on(GetWebACLCommand).resolves(aclWithRules());
    wafMock.on(DeleteWebACLCommand)
      .rejectsOnce(new WAFAssociatedItemException({ message: 'still associated', ...meta }))
      .resolves(meta);

    await handler(event('Delete'), context);
    expect(wafMock.commandCalls(DeleteWebACLCommand)).toHaveLength(2);
    expect(response().Status).toBe('SUCCESS');
  });

  test('an access error fails the delete', async () => {
    wafMock.on(GetWebACLCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));

    await handler(event('Delete'), context);
    expect(response()).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(/^AccessDeniedException: not authorized/) });
  });
});
