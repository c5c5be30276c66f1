/**
 * The pass tests' support: the in-process rig of the pass system (examples/pass/local-rig.ts,
 * shared with the long fuzz run) and what only the tests need.
 */
import { startPassRig, type PassRig } from '../../examples/pass/local-rig';
import { deployedSdkLimits } from '../../tools/sdk-limits';
import { FaultProxy } from '../support/fault-proxy';

export * from '../../examples/pass/local-rig';

/** The rig whose handlers reach DynamoDB Local through a fault proxy, under the deployed SDK limits. */
export interface ProxiedPassRig {
  readonly rig: PassRig;
  readonly proxy: FaultProxy;
  /** Stops the proxy and the rig, and puts the endpoint and the SDK limits back. */
  destroy(): Promise<void>;
}

export async function startProxiedPassRig(): Promise<ProxiedPassRig> {
  const restoreLimits = deployedSdkLimits();
  const engineEndpoint = process.env.DYNAMODB_ENDPOINT!;
  try {
    const rig = await startPassRig();
    const proxy = await FaultProxy.start(engineEndpoint);
    // The handlers' client is created on first use: through the proxy. The rig's own reads and its
    // stream reader keep the engine's endpoint.
    process.env.DYNAMODB_ENDPOINT = proxy.endpoint;
    return {
      rig,
      proxy,
      destroy: async () => {
        restoreLimits();
        process.env.DYNAMODB_ENDPOINT = engineEndpoint;
        await proxy.stop();
        await rig.destroy();
      },
    };
  } catch (error) {
    restoreLimits();
    throw error;
  }
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
