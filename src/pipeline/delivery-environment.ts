import { Environment, Stage } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { described, Validation } from '../private/validation';

/** What a `DeliveryConfigValue` holds. */
export enum DeliveryConfigKind {
  /** A string, read with `DeliveryEnvironment.stringValue`. */
  STRING = 'STRING',
  /** A number, read with `DeliveryEnvironment.numberValue`. */
  NUMBER = 'NUMBER',
  /** A boolean, read with `DeliveryEnvironment.booleanValue`. */
  BOOLEAN = 'BOOLEAN',
}

/**
 * One configuration value of a delivery environment: a string, a number or a boolean.
 *
 * @exampleMetadata fixture=construct
 * @example
 * import { DeliveryConfigValue, DeliveryEnvironmentProps } from 'cdk-rampart';
 *
 * const dev: DeliveryEnvironmentProps = {
 *   name: 'DEV',
 *   config: { initialCount: DeliveryConfigValue.fromNumber(10), label: DeliveryConfigValue.fromString('dev') },
 * };
 */
export class DeliveryConfigValue {
  /** A string value. */
  public static fromString(value: string): DeliveryConfigValue {
    return new DeliveryConfigValue(DeliveryConfigKind.STRING, value);
  }

  /** A number value. */
  public static fromNumber(value: number): DeliveryConfigValue {
    return new DeliveryConfigValue(DeliveryConfigKind.NUMBER, value);
  }

  /** A boolean value. */
  public static fromBoolean(value: boolean): DeliveryConfigValue {
    return new DeliveryConfigValue(DeliveryConfigKind.BOOLEAN, value);
  }

  /** What the value holds. */
  public readonly kind: DeliveryConfigKind;

  /**
   * The value itself.
   * @internal
   */
  public readonly _value: string | number | boolean;

  private constructor(kind: DeliveryConfigKind, value: string | number | boolean) {
    this.kind = kind;
    this._value = value;
  }

  /** The value as JSON text: `"shop"`, `3`, `true`. */
  public toJson(): string {
    return JSON.stringify(this._value);
  }
}

/** One environment of a `DeliveryPipeline`: where its branch deploys, and its configuration. */
export interface DeliveryEnvironmentProps {
  /**
   * The environment's name: `DEV`, `UAT` or `PROD` (see `DeliveryPipeline.ENVIRONMENT_NAMES`).
   * It names the pipeline, its deploy stage and the stage given to your factory.
   */
  readonly name: string;

  /**
   * The branch whose pushes this environment's pipeline delivers.
   *
   * @default - `dev` for DEV, `uat` for UAT, `main` for PROD
   */
  readonly branch?: string;

  /**
   * The AWS account the environment's stacks deploy to (bootstrapped with `cdk bootstrap --trust <pipeline account>`).
   *
   * @default - the account of the stack holding the pipeline
   */
  readonly account?: string;

  /**
   * The region the environment's stacks deploy to.
   *
   * @default - the region of the stack holding the pipeline
   */
  readonly region?: string;

  /**
   * Wait for a manual approval before deploying this environment.
   *
   * @default - true for PROD, false otherwise
   */
  readonly requireApproval?: boolean;

  /**
   * Why PROD may deploy without a manual approval. Required (not blank) when PROD sets
   * `requireApproval: false`, refused otherwise. It is written to the pipeline's description.
   *
   * @default - no waiver
   */
  readonly approvalWaiverReason?: string;

  /**
   * Configuration values handed to this environment's stage, read with `stringValue`,
   * `numberValue` and `booleanValue` of `DeliveryEnvironment`, e.g.
   * `{ initialCount: DeliveryConfigValue.fromNumber(10) }`.
   *
   * @default - no values
   */
  readonly config?: { [key: string]: DeliveryConfigValue };
}

/**
 * Creates the application stage of one environment. The pipeline calls it once per environment;
 * the stage must use `environment.env` so that it deploys to that environment's account and region.
 */
export interface IDeliveryStageFactory {
  /**
   * Create the stage (your application's stacks) for one environment.
   *
   * @param scope the scope to create the stage in
   * @param id the stage id: the environment name
   * @param environment the environment: account, region, configuration values and image tag
   */
  createStage(scope: Construct, id: string, environment: DeliveryEnvironment): Stage;
}

/** The resolved settings of one environment, as handed to `IDeliveryStageFactory.createStage`. */
export class DeliveryEnvironment {
  /** Environment variable that the synth step sets to the tag of the image built from the same commit. */
  public static readonly IMAGE_TAG_VARIABLE = 'RAMPART_IMAGE_TAG';

  /** The image tag used when the app is synthesized outside the pipeline (no `RAMPART_IMAGE_TAG`). */
  public static readonly LOCAL_IMAGE_TAG = 'local';

  /** `DEV`, `UAT` or `PROD`. */
  public readonly name: string;
  /** The branch this environment delivers. */
  public readonly branch: string;
  /** The account it deploys to. */
  public readonly account: string;
  /** The region it deploys to. */
  public readonly region: string;
  /** Whether a manual approval precedes its deployment. */
  public readonly requiresApproval: boolean;
  /** Why it deploys without approval, when PROD's approval is waived. */
  public readonly approvalWaiverReason?: string;
  /** The configuration values, as given. */
  public readonly config: { [key: string]: DeliveryConfigValue };
  /**
   * Name of the ECR repository the image build pushes to, in the pipeline's account and region.
   * Undefined when the pipeline builds no image.
   */
  public readonly imageRepositoryName?: string;
  /** ARN of that repository. Undefined when the pipeline builds no image. */
  public readonly imageRepositoryArn?: string;

  /** @param props the resolved settings; `DeliveryPipeline` creates these */
  constructor(props: DeliveryEnvironmentSettings) {
    this.name = props.name;
    this.branch = props.branch;
    this.account = props.account;
    this.region = props.region;
    this.requiresApproval = props.requiresApproval;
    this.approvalWaiverReason = props.approvalWaiverReason;
    this.config = { ...(props.config ?? {}) };
    this.imageRepositoryName = props.imageRepositoryName;
    this.imageRepositoryArn = props.imageRepositoryArn;
  }

  /** `{ account, region }`, to pass as the stage's `env`. */
  public get env(): Environment {
    return { account: this.account, region: this.region };
  }

  /**
   * The tag of the image the pipeline built from the commit being delivered: the synth step
   * exports it as `RAMPART_IMAGE_TAG`; outside the pipeline it is `LOCAL_IMAGE_TAG`.
   */
  public get imageTag(): string {
    return process.env[DeliveryEnvironment.IMAGE_TAG_VARIABLE] || DeliveryEnvironment.LOCAL_IMAGE_TAG;
  }

  /**
   * A string configuration value.
   *
   * @param key the key in `config`
   * @param defaultValue returned when the key is absent; without it an absent key throws
   */
  public stringValue(key: string, defaultValue?: string): string {
    return this.value(key, DeliveryConfigKind.STRING, defaultValue) as string;
  }

  /**
   * A number configuration value.
   *
   * @param key the key in `config`
   * @param defaultValue returned when the key is absent; without it an absent key throws
   */
  public numberValue(key: string, defaultValue?: number): number {
    return this.value(key, DeliveryConfigKind.NUMBER, defaultValue) as number;
  }

  /**
   * A boolean configuration value.
   *
   * @param key the key in `config`
   * @param defaultValue returned when the key is absent; without it an absent key throws
   */
  public booleanValue(key: string, defaultValue?: boolean): boolean {
    return this.value(key, DeliveryConfigKind.BOOLEAN, defaultValue) as boolean;
  }

  private value(key: string, kind: DeliveryConfigKind, defaultValue: unknown): unknown {
    const v = this.config[key];
    if (v === undefined) {
      if (defaultValue !== undefined) return defaultValue;
      new Validation('DeliveryEnvironment', this.name, 'config')
        .fail(`config.${key}`, undefined, `a key set in the environment's config (known keys: ${Object.keys(this.config).join(', ') || 'none'})`)
        .throwIfInvalid();
    }
    if (v.kind !== kind) {
      new Validation('DeliveryEnvironment', this.name, 'config')
        .fail(`config.${key}`, described(`${v.toJson()} (${typeof v._value})`), `a ${kind.toLowerCase()}`)
        .throwIfInvalid();
    }
    return v._value;
  }
}

/** The resolved settings a `DeliveryEnvironment` is made from. */
export interface DeliveryEnvironmentSettings {
  /** `DEV`, `UAT` or `PROD`. */
  readonly name: string;
  /** The branch. */
  readonly branch: string;
  /** The account. */
  readonly account: string;
  /** The region. */
  readonly region: string;
  /** Whether a manual approval precedes the deployment. */
  readonly requiresApproval: boolean;
  /**
   * Why PROD deploys without approval.
   *
   * @default - no waiver
   */
  readonly approvalWaiverReason?: string;
  /**
   * Configuration values.
   *
   * @default - none
   */
  readonly config?: { [key: string]: DeliveryConfigValue };
  /**
   * The ECR repository name of the image build.
   *
   * @default - no image build
   */
  readonly imageRepositoryName?: string;
  /**
   * The ECR repository ARN of the image build.
   *
   * @default - no image build
   */
  readonly imageRepositoryArn?: string;
}
