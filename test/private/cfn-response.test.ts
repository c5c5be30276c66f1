import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { respond } from '../../src/private/cfn-response';

/** A local stand-in for the pre-signed S3 URL: answers with the given statuses in turn, records the bodies. */
async function responseUrl(statuses: number[]): Promise<{ url: string; bodies: string[]; close: () => Promise<void> }> {
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      bodies.push(body);
      res.statusCode = statuses[Math.min(bodies.length - 1, statuses.length - 1)];
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/answer`, bodies, close: () => new Promise((r) => server.close(() => r())) };
}

const event = (url: string) => ({
  RequestType: 'Create',
  ResponseURL: url,
  StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/s/1',
  RequestId: 'req-1',
  LogicalResourceId: 'Res',
  ResourceType: 'Custom::Thing',
  ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:f',
  ResourceProperties: { ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:f' },
}) as CloudFormationCustomResourceEvent;

describe('respond', () => {
  test('PUTs the answer CloudFormation expects, the reason cut to 3,000 characters', async () => {
    const target = await responseUrl([200]);
    try {
      await respond(event(target.url), 'FAILED', 'phys-1', { A: 'b' }, 'x'.repeat(5000));
      expect(target.bodies).toHaveLength(1);
      const answer = JSON.parse(target.bodies[0]);
      expect(answer).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'phys-1', RequestId: 'req-1', LogicalResourceId: 'Res', Data: { A: 'b' }, NoEcho: false });
      expect(answer.Reason).toHaveLength(3000);
    } finally {
      await target.close();
    }
  });

  test('retries a refused answer, then gives up with the status in the error', async () => {
    const flaky = await responseUrl([503, 200]);
    const refusing = await responseUrl([403]);
    try {
      await respond(event(flaky.url), 'SUCCESS', 'p', undefined, undefined, { attempts: 3, baseDelayMs: 1 });
      expect(flaky.bodies).toHaveLength(2);
      const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
      await expect(respond(event(refusing.url), 'SUCCESS', 'p', undefined, undefined, { attempts: 2, baseDelayMs: 1 })).rejects.toThrow(/answered 403/);
      log.mockRestore();
      expect(refusing.bodies).toHaveLength(2);
    } finally {
      await flaky.close();
      await refusing.close();
    }
  });
});
