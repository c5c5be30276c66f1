import { deployedSdkLimits } from '../../../tools/sdk-limits';
import { bounded, RequestBudgetSpentError, SDK_LIMITS, withRequestBudget } from '../src';

/**
 * The request budget without a clock to race: `bounded` gives each attempt what is left of the
 * request's budget as its timeout, and makes no attempt once it is spent (Date.now is set by the test).
 */

function fakeClient() {
  const timeouts: number[] = [];
  const client = {
    config: {
      requestHandler: {
        handle: async (_request: unknown, options: { requestTimeout?: number } = {}) => {
          timeouts.push(options.requestTimeout!);
          return { response: {} };
        },
      },
    },
  };
  return { client: bounded(client), timeouts };
}

// The deployed limits (the test setup lifts them for in-process concurrency).
let restoreLimits: () => void;
beforeAll(() => { restoreLimits = deployedSdkLimits(); });
afterAll(() => restoreLimits());

let now = 1_000_000;
beforeEach(() => { jest.spyOn(Date, 'now').mockImplementation(() => now); });
afterEach(() => { jest.restoreAllMocks(); });

test('outside a request, every attempt has the full request timeout', async () => {
  const { client, timeouts } = fakeClient();
  await client.config.requestHandler.handle({});
  expect(timeouts).toEqual([SDK_LIMITS.requestTimeoutMs]);
});

test('inside a request, an attempt gets what is left of the budget, and none starts once it is spent', async () => {
  const { client, timeouts } = fakeClient();
  await withRequestBudget(2_500, async () => {
    await client.config.requestHandler.handle({}); // at the start: the per-attempt limit is smaller than the budget
    now += 1_800;
    await client.config.requestHandler.handle({}); // 700 ms left
    now += 700;
    await expect(client.config.requestHandler.handle({})).rejects.toBeInstanceOf(RequestBudgetSpentError);
  });
  expect(timeouts).toEqual([SDK_LIMITS.requestTimeoutMs, 700]);
});

test('a budget inside a budget never outlasts the outer one', async () => {
  const { client, timeouts } = fakeClient();
  await withRequestBudget(1_000, () => withRequestBudget(5_000, () => client.config.requestHandler.handle({})));
  expect(timeouts).toEqual([1_000]);
});
