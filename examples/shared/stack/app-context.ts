import type { App, Environment } from 'aws-cdk-lib';

/** cdk.json's `<example>:pipeline`: where an example's delivery pipeline lives and what it watches. */
export interface PipelineContext {
  readonly account: string;
  readonly region: string;
  readonly connectionArn: string;
  readonly repository: string;
  readonly approverEmails?: string[];
}

/** One entry of cdk.json's `<example>:environments` (an example adds its own settings). */
export interface EnvironmentContext {
  readonly account: string;
  readonly region: string;
}

/** An example's delivery settings from cdk.json's context. */
export interface DeliveryContext<E extends EnvironmentContext> {
  readonly pipeline: PipelineContext;
  readonly environments: Record<string, E>;
}

/**
 * `<example>:pipeline` and `<example>:environments` from the app's context: undefined without the
 * pipeline; an error naming the key when the environments are missing next to it.
 */
export function deliveryContext<E extends EnvironmentContext>(app: App, example: string): DeliveryContext<E> | undefined {
  const pipeline = app.node.tryGetContext(`${example}:pipeline`) as PipelineContext | undefined;
  if (pipeline === undefined) return undefined;
  const environments = app.node.tryGetContext(`${example}:environments`) as Record<string, E> | undefined;
  if (environments === undefined) throw missingContext(example, 'environments', ` next to '${example}:pipeline'`);
  return { pipeline, environments };
}

/** `deliveryContext` for an example whose app always has its pipeline: an error naming what is missing. */
export function requireDeliveryContext<E extends EnvironmentContext>(app: App, example: string): DeliveryContext<E> {
  const delivery = deliveryContext<E>(app, example);
  if (delivery === undefined) throw missingContext(example, 'pipeline', '');
  return delivery;
}

function missingContext(example: string, key: string, where: string): Error {
  return new Error(`cdk.json: context '${example}:${key}' is missing${where} (see examples/${example}/README.md)`);
}

/** The pipeline stack's environments: each context entry by name, with its stage configuration. */
export function deliveryEnvironments<E extends EnvironmentContext, C>(
  environments: Record<string, E>, configOf: (e: E) => C,
): { name: string; account: string; region: string; config: C }[] {
  return Object.entries(environments).map(([name, e]) => ({ name, account: e.account, region: e.region, config: configOf(e) }));
}

/** Where a stage deployed straight from the caller's credentials goes (environment-agnostic without them). */
export function callerEnvironment(): Environment | undefined {
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  return account ? { account, region: process.env.CDK_DEFAULT_REGION } : undefined;
}
