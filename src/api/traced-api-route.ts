import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { TracedFunctionOptions } from './traced-function';
import { IConfigEntry } from '../config/config-entry';

/** HTTP methods a `TracedApiRoute` can answer. */
export enum HttpMethod {
  GET = 'GET',
  POST = 'POST',
  PUT = 'PUT',
  PATCH = 'PATCH',
  DELETE = 'DELETE',
  HEAD = 'HEAD',
  /** Any method (API Gateway `ANY`). */
  ANY = 'ANY',
}

/** Who may call a route. */
export enum RouteAuthorization {
  /** Callers sign requests with SigV4 (an IAM principal allowed `execute-api:Invoke`). */
  IAM = 'IAM',
  /** Callers send a Cognito user pool token (ID token, or access token when scopes are required). */
  COGNITO = 'COGNITO',
  /** Anyone may call it: must be chosen explicitly, route by route. */
  NONE = 'NONE',
}

/** Throttling for a stage or one route: the steady rate and the burst API Gateway allows. */
export interface ApiThrottle {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Requests allowed in a burst (token bucket size); at least `rateLimit`. */
  readonly burstLimit: number;
}

/** One route of a `TracedApi`: method, path and the function answering it, as data. */
export interface TracedApiRoute {
  /** The HTTP method. */
  readonly method: HttpMethod;
  /** The path, starting with `/`, e.g. `/passes/{passId}`; `{name+}` is a greedy parameter. */
  readonly path: string;
  /**
   * An existing function answering the route (a `TracedFunction` answers through its `function`).
   * Give either this or `code` + `handler`.
   *
   * @default - a function created from `code` and `handler` with the team defaults
   */
  readonly existingFunction?: lambda.IFunction;
  /**
   * Code of the function `TracedApi` creates for this route (with `handler`).
   *
   * @default - none: `existingFunction` is used
   */
  readonly code?: lambda.Code;
  /**
   * Handler of the function `TracedApi` creates for this route, `file.export`.
   *
   * @default - none: `existingFunction` is used
   */
  readonly handler?: string;
  /**
   * Overrides for the created function (memory, timeout, environment, reserved concurrency...).
   * The timeout is at most 29 seconds, API Gateway's integration timeout.
   *
   * @default - the team defaults of `TracedFunction`
   */
  readonly functionOptions?: TracedFunctionOptions;
  /**
   * JSON schema (draft 4) of the request body, an object schema. API Gateway rejects a body that
   * does not match with a 400 before the function runs.
   *
   * @default - the body is not validated by API Gateway
   */
  readonly requestSchema?: apigateway.JsonSchema;
  /**
   * Who may call the route.
   *
   * @default - the API's `defaultAuthorization`
   */
  readonly authorization?: RouteAuthorization;
  /**
   * With COGNITO: OAuth scopes the access token must hold (checked by API Gateway).
   *
   * @default - none: an ID token of the user pool is enough
   */
  readonly authorizationScopes?: string[];
  /**
   * With COGNITO: Cognito groups the caller must belong to (any of them). API Gateway's Cognito
   * authorizer cannot check groups, so these routes are guarded by the API's group authorizer (a
   * Lambda REQUEST authorizer bundled with this library): it verifies the user pool token and its
   * groups (and `authorizationScopes`), answering 401 for a missing, forged or expired token and 403
   * without the group, before the function runs. The function also gets the groups in
   * `RAMPART_REQUIRED_GROUPS`, for a second check of its own, and the token's claims in
   * `requestContext.authorizer` (groups as a comma list in `cognito:groups`).
   *
   * @default - no group check
   */
  readonly requiredGroups?: string[];
  /**
   * Throttling for this route, overriding the stage's.
   *
   * @default - the stage throttle
   */
  readonly throttle?: ApiThrottle;
  /**
   * Require an API key (from the API's usage plan) on this route.
   *
   * @default false
   */
  readonly apiKeyRequired?: boolean;
  /**
   * Configuration (SSM parameters, secrets) this route's function reads: granted, and its name
   * passed in the entry's environment variable.
   *
   * @default - only the API-wide `config`
   */
  readonly config?: IConfigEntry[];
}

/**
 * A named consumer of an API (a front end, a partner): its own API key, named after the API's
 * service and stage so each environment's keys are its own, with the value kept in Secrets Manager
 * for the consumer to read, and its own usage plan when it has its own limits.
 */
export interface TracedApiConsumer {
  /** The consumer's name (1-64 of A-Z a-z 0-9 -); its key is named `<serviceName>-<stageName>-<name>`. */
  readonly name: string;
  /**
   * Request quota of this consumer's key, in a usage plan of its own.
   *
   * @default - the plan's quota (the shared usage plan)
   */
  readonly quota?: apigateway.QuotaSettings;
  /**
   * Throttle of this consumer's key, in a usage plan of its own.
   *
   * @default - the plan's throttle (the shared usage plan)
   */
  readonly throttle?: ApiThrottle;
}

/** A usage plan with API keys, for routes with `apiKeyRequired`. */
export interface TracedApiUsagePlan {
  /**
   * Names of API keys to create, their values generated by API Gateway (not readable by a
   * template: hand them out from the console or CLI). Give `consumers` for keys whose value a
   * service of yours reads.
   *
   * @default - none; at least one of `apiKeyNames` and `consumers`
   */
  readonly apiKeyNames?: string[];
  /**
   * Consumers, each with its own key whose value is generated into a Secrets Manager secret
   * (`TracedApi.apiKeySecrets`), encrypted with the API's key.
   *
   * @default - none; at least one of `apiKeyNames` and `consumers`
   */
  readonly consumers?: TracedApiConsumer[];
  /**
   * Request quota per key.
   *
   * @default - no quota
   */
  readonly quota?: apigateway.QuotaSettings;
  /**
   * Throttle per key.
   *
   * @default - the stage throttle only
   */
  readonly throttle?: ApiThrottle;
}
