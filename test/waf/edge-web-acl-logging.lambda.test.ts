import { CloudWatchLogsClient, CreateLogGroupCommand, PutRetentionPolicyCommand, ResourceAlreadyExistsException } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateWebACLCommand,
  DeleteLoggingConfigurationCommand,
  DeleteWebACLCommand,
  GetWebACLCommand,
  PutLoggingConfigurationCommand,
  UpdateWebACLCommand,
  WAFNonexistentItemException,
  WAFV2Client,
} from '@aws-sdk/client-wafv2';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { loggingConfiguration, onEvent, retry } from '../../src/waf/edge-web-acl.lambda';

const wafMock = mockClient(WAFV2Client);
const logsMock = mockClient(CloudWatchLogsClient);
const ACCOUNT = '123456789012';
const NAME = 'Site-Waf-ABCD1234-eu-west-1';
const LOG_GROUP = `aws-waf-logs-${NAME}`;
const ACL_ID = 'a1b2c3d4-0000-1111-2222-333344445555';
const ACL_ARN = `arn:aws:wafv2:us-east-1:${ACCOUNT}:global/webacl/${NAME}/${ACL_ID}`;
const LOG_GROUP_ARN = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${LOG_GROUP}`;
const meta = { $metadata: {} };

function properties(overrides: Record<string, unknown> = {}): Record<string, any> {
  return {
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:handler',
    Name: NAME,
    MetricName: 'WafWebAcl',
    Rules: [],
    IpSets: [],
    LogGroupName: LOG_GROUP,
    LogRetentionDays: '365',
    ...overrides,
  };
}

function event(requestType: 'Create' | 'Update' | 'Delete', props = properties()): CloudFormationCustomResourceEvent {
  return {
    RequestType: requestType,
    ServiceToken: props.ServiceToken,
    ResponseURL: 'https://example.invalid/presigned',
    StackId: `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/Site/guid`,
    RequestId: 'req-1',
    LogicalResourceId: 'WafResource',
    ResourceType: 'Custom::EdgeWebAcl',
    ResourceProperties: props,
    ...(requestType === 'Create' ? {} : { PhysicalResourceId: ACL_ARN }),
    ...(requestType === 'Update' ? { OldResourceProperties: props } : {}),
  } as CloudFormationCustomResourceEvent;
}

const acl = { WebACL: { Name: NAME, Id: ACL_ID, ARN: ACL_ARN, Rules: [] } as any, LockToken: 'token-1', ...meta };

beforeEach(() => {
  wafMock.reset();
  logsMock.reset();
  retry.baseDelayMs = 1;
});

describe('EdgeWebAcl handler: request logging', () => {
  test('the logging configuration sends every request to the aws-waf-logs- log group in us-east-1 of the WebACL\'s account', () => {
    expect(loggingConfiguration(ACL_ARN, LOG_GROUP)).toEqual({ ResourceArn: ACL_ARN, LogDestinationConfigs: [LOG_GROUP_ARN] });
  });

  test('create: the log group is created in us-east-1 with its retention, then the WebACL logs to it', async () => {
    wafMock.on(CreateWebACLCommand).resolves({ Summary: { ARN: ACL_ARN, Id: ACL_ID, Name: NAME }, ...meta });
    await onEvent(event('Create'));
    expect(await logsMock.call(0).thisValue.config.region()).toBe('us-east-1');
    expect(logsMock.commandCalls(CreateLogGroupCommand)[0].args[0].input).toEqual({ logGroupName: LOG_GROUP });
    expect(logsMock.commandCalls(PutRetentionPolicyCommand)[0].args[0].input).toEqual({ logGroupName: LOG_GROUP, retentionInDays: 365 });
    expect(wafMock.commandCalls(PutLoggingConfigurationCommand)[0].args[0].input).toEqual({
      LoggingConfiguration: { ResourceArn: ACL_ARN, LogDestinationConfigs: [LOG_GROUP_ARN] },
    });
  });

  test('update: an existing log group is kept, and logging is put again', async () => {
    wafMock.on(GetWebACLCommand).resolves(acl);
    wafMock.on(UpdateWebACLCommand).resolves({ NextLockToken: 'token-2', ...meta });
    logsMock.on(CreateLogGroupCommand).rejects(new ResourceAlreadyExistsException({ message: 'exists', $metadata: {} }));
    await onEvent(event('Update'));
    expect(wafMock.commandCalls(PutLoggingConfigurationCommand)).toHaveLength(1);
    expect(logsMock.commandCalls(PutRetentionPolicyCommand)).toHaveLength(1);
  });

  test('delete: the logging configuration goes before the WebACL; the log group (the logs) stays', async () => {
    wafMock.on(GetWebACLCommand).resolves(acl);
    wafMock.on(DeleteLoggingConfigurationCommand).rejects(new WAFNonexistentItemException({ message: 'none', $metadata: {} }));
    wafMock.on(DeleteWebACLCommand).resolves(meta);
    await onEvent(event('Delete'));
    const order = wafMock.calls().map((c) => c.args[0].constructor.name);
    expect(order.indexOf('DeleteLoggingConfigurationCommand')).toBeLessThan(order.indexOf('DeleteWebACLCommand'));
    expect(wafMock.commandCalls(DeleteLoggingConfigurationCommand)[0].args[0].input).toEqual({ ResourceArn: ACL_ARN });
    expect(logsMock.calls()).toHaveLength(0);
  });

  test('a log group WAF would refuse (not aws-waf-logs-...) is refused before any call', async () => {
    await expect(onEvent(event('Create', properties({ LogGroupName: 'my-logs' })))).rejects.toThrow(/LogGroupName: "my-logs" \(WAF logs only to a log group named aws-waf-logs-/);
    await expect(onEvent(event('Create', properties({ LogRetentionDays: 'forever' })))).rejects.toThrow(/LogRetentionDays/);
    expect(wafMock.calls()).toHaveLength(0);
    expect(logsMock.calls()).toHaveLength(0);
  });
});
