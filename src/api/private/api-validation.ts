import { Duration } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { IConstruct } from 'constructs';
import { validateTracedFunctionOptions } from './function-defaults';
import { concreteFunction, routeKey } from './routes';
import { described, known, Validation } from '../../private/validation';
import { validateWafSettings } from '../../waf/private/waf-settings';
import type { RestGatewayOptions } from '../rest-gateway-options';
import type { TracedApiProps } from '../traced-api';
import { ApiThrottle, HttpMethod, RouteAuthorization } from '../traced-api-route';

const PATH_SEGMENT = /^([A-Za-z0-9._~-]+|\{[A-Za-z_][A-Za-z0-9_]*\+?\})$/;
const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;
/** API Gateway stops waiting for a Lambda integration after 29 seconds. */
const API_INTEGRATION_TIMEOUT = Duration.seconds(29);
const ORIGIN = /^https?:\/\/(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?$/;

/** The props of a `TracedApi` after defaults, as the checks need them. */
export interface ResolvedApiProps {
  readonly stageName: string;
  readonly defaultAuthorization: RouteAuthorization;
  readonly throttle: ApiThrottle;
  readonly wafEnabled: boolean;
  readonly accountConcurrency: number;
  readonly endpointType: apigateway.EndpointType;
}

const ENDPOINT_TYPES = [apigateway.EndpointType.REGIONAL, apigateway.EndpointType.PRIVATE];
const CONSUMER_NAME = /^[A-Za-z0-9-]{1,64}$/;

/** Every problem of a `TracedApi`'s props, thrown as one error. */
export function validateTracedApiProps(scope: IConstruct, props: TracedApiProps, resolved: ResolvedApiProps): void {
  const v = new Validation('TracedApi', scope);
  if (!props.routes || props.routes.length === 0) {
    v.fail('routes', props.routes ?? [], 'at least one route');
  }
  v.matches('stageName', resolved.stageName, STAGE_NAME, '1-128 of A-Z a-z 0-9 _ -');
  validateThrottle(v, 'throttle', resolved.throttle);
  validateWafSettings(v, props.waf, resolved.wafEnabled);
  if (props.vpcSubnets && !props.vpc) {
    v.fail('vpcSubnets', props.vpcSubnets, 'vpcSubnets together with vpc', 'given without vpc');
  }
  const acc = resolved.accountConcurrency;
  v.check('accountConcurrency', acc, Number.isInteger(acc) && acc >= 100, "the account's Lambda concurrency quota (at least 100)");
  validateCors(v, props.cors);
  validateEndpoint(v, props, resolved.endpointType);
  if (props.usagePlan) {
    const plan = props.usagePlan;
    if (plan.apiKeyNames !== undefined) {
      v.nonEmpty('usagePlan.apiKeyNames', plan.apiKeyNames, 'at least one API key name');
    } else if (plan.consumers === undefined) {
      v.fail('usagePlan', described('without apiKeyNames or consumers'), 'at least one of apiKeyNames and consumers (the keys the plan meters)');
    }
    if (plan.consumers !== undefined) v.nonEmpty('usagePlan.consumers', plan.consumers, 'at least one consumer, or leave consumers out');
    if (plan.throttle) validateThrottle(v, 'usagePlan.throttle', plan.throttle);
    const names = [...plan.apiKeyNames ?? [], ...(plan.consumers ?? []).map((c) => c.name)];
    const keys = names.map((n) => n.replace(/[^A-Za-z0-9]/g, ''));
    if (new Set(keys).size !== keys.length) {
      v.fail('usagePlan.apiKeyNames', names, 'distinct names across apiKeyNames and consumers (ignoring punctuation)', 'repeat a name');
    }
    if (plan.quota?.limit !== undefined) v.integer('usagePlan.quota.limit', plan.quota.limit, 1, Number.MAX_SAFE_INTEGER, 'requests');
    (plan.consumers ?? []).forEach((c, i) => {
      v.matches(`usagePlan.consumers[${i}].name`, c.name, CONSUMER_NAME, '1-64 of A-Z a-z 0-9 - (it becomes part of the key name)');
      if (c.throttle) validateThrottle(v, `usagePlan.consumers[${i}].throttle`, c.throttle);
      if (c.quota?.limit !== undefined) v.integer(`usagePlan.consumers[${i}].quota.limit`, c.quota.limit, 1, Number.MAX_SAFE_INTEGER, 'requests');
    });
    if ((props.routes ?? []).length > 0 && !props.routes.some((r) => r.apiKeyRequired)) {
      v.fail('usagePlan', described('given'), 'apiKeyRequired on the routes the plan meters, or leave usagePlan out',
        'but no route sets apiKeyRequired (its quota and throttle would never apply)');
    }
  }

  const seen = new Set<string>();
  (props.routes ?? []).forEach((route, i) => {
    const at = `routes[${i}]`;
    const key = routeKey(route.method, route.path);
    if (seen.has(key)) v.fail(at, described(key), 'each method and path once', 'is declared twice');
    seen.add(key);
    v.oneOf(`${at}.method`, route.method, Object.values(HttpMethod));
    if (known(route.path)) {
      if (!route.path.startsWith('/')) {
        v.fail(`${at}.path`, route.path, "a path starting with '/'");
      } else if (route.path !== '/') {
        const segments = route.path.slice(1).split('/');
        const bad = segments.filter((seg) => !PATH_SEGMENT.test(seg));
        if (bad.length > 0) {
          v.fail(`${at}.path`, route.path, "segments of A-Z a-z 0-9 . _ ~ - or {param} / {param+} (last only), no empty segment or trailing '/'",
            `has invalid segment(s) ${bad.map((b) => `'${b}'`).join(', ')}`);
        } else if (segments.slice(0, -1).some((seg) => seg.endsWith('+}'))) {
          v.fail(`${at}.path`, route.path, 'a greedy {param+} as the last segment only', 'has a greedy {param+} before the last segment');
        }
      }
    }
    const hasCode = route.code !== undefined || route.handler !== undefined;
    if (route.existingFunction && hasCode) {
      v.fail(at, described('existingFunction and code/handler are both given'), 'exactly one of them');
    } else if (!route.existingFunction && (route.code === undefined || route.handler === undefined)) {
      v.fail(at, described(`code ${route.code ? 'given' : 'not set'}, handler ${route.handler ? 'given' : 'not set'}`), 'exactly one of existingFunction, or code together with handler');
    }
    if (route.existingFunction && route.functionOptions) {
      v.fail(`${at}.functionOptions`, route.functionOptions, 'functionOptions for functions TracedApi creates; configure existingFunction yourself', 'given with existingFunction');
    }
    if (route.functionOptions) v.within(`${at}.functionOptions.`, (w) => validateTracedFunctionOptions(w, route.functionOptions!, resolved.accountConcurrency));
    const existing = concreteFunction(route.existingFunction);
    const timeout = route.existingFunction ? existing?.timeout : route.functionOptions?.timeout;
    const timeoutProp = route.existingFunction ? `${at}.existingFunction.timeout` : `${at}.functionOptions.timeout`;
    if (timeout !== undefined) {
      v.duration(timeoutProp, timeout, {
        max: API_INTEGRATION_TIMEOUT,
        allowed: "at most 29 seconds, API Gateway's integration timeout (the caller gets a 504 while the function runs on)",
      });
    }
    const authorization = route.authorization ?? resolved.defaultAuthorization;
    if (authorization === RouteAuthorization.COGNITO && !props.userPool) {
      v.fail(`${at}.authorization`, authorization, 'the userPool prop with COGNITO, or IAM / NONE', 'without userPool');
    }
    if (authorization !== RouteAuthorization.COGNITO && (route.authorizationScopes?.length || route.requiredGroups?.length)) {
      v.fail(`${at}.authorizationScopes/requiredGroups`, [...route.authorizationScopes ?? [], ...route.requiredGroups ?? []],
        'scopes and groups on COGNITO routes only', `given on a ${authorization} route`);
    }
    if (route.requiredGroups?.length && route.existingFunction && !existing) {
      v.fail(`${at}.requiredGroups`, route.requiredGroups, 'a lambda.Function or TracedFunction as existingFunction (not an imported one): the function enforces the groups from its environment',
        'given with an imported function');
    }
    if ((route.config?.length || props.config?.length) && route.existingFunction && !existing) {
      v.fail(`${at}.config`, described(`${(route.config ?? []).length + (props.config ?? []).length} entries`),
        'a lambda.Function or TracedFunction as existingFunction (not an imported one): configuration is passed through environment variables', 'given with an imported function');
    }
    if (route.apiKeyRequired && !props.usagePlan) {
      v.fail(`${at}.apiKeyRequired`, true, 'a usagePlan with API keys, or apiKeyRequired false', 'without usagePlan (every call would be refused with 403)');
    }
    if (route.throttle) validateThrottle(v, `${at}.throttle`, route.throttle);
    if (route.requestSchema) {
      const schema = route.requestSchema;
      if (schema.type !== apigateway.JsonSchemaType.OBJECT || schema.ref !== undefined) {
        v.fail(`${at}.requestSchema`, described(`type ${schema.ref ? `$ref ${schema.ref}` : JSON.stringify(schema.type)}`),
          'an object schema (type: JsonSchemaType.OBJECT) with its properties for a request body');
      }
      if (route.method === HttpMethod.GET || route.method === HttpMethod.HEAD) {
        v.fail(`${at}.requestSchema`, described(`given on ${route.method}`), 'a body schema on methods with a body (validate query parameters in the handler)');
      }
    }
  });
  v.throwIfInvalid();
}

/** The endpoint type and how a PRIVATE API is reached (shared with `ContractApi`). */
export function validateEndpoint(v: Validation, props: Pick<RestGatewayOptions, 'vpc' | 'vpcEndpoint'>, type: apigateway.EndpointType): void {
  if (!v.oneOf('endpointType', type, ENDPOINT_TYPES,
    'is EDGE: an edge-optimized API sits behind a CloudFront distribution of API Gateway\'s own, where this API\'s WAF cannot be put (front it with SecureSite instead)')) return;
  if (type === apigateway.EndpointType.PRIVATE && !props.vpc && !props.vpcEndpoint) {
    v.fail('endpointType', type, 'PRIVATE together with vpcEndpoint (an interface endpoint for execute-api) or vpc (to create one in)', 'without vpc or vpcEndpoint (nobody could reach the API)');
  }
  if (type !== apigateway.EndpointType.PRIVATE && props.vpcEndpoint) {
    v.fail('vpcEndpoint', described('given'), 'vpcEndpoint with endpointType PRIVATE only', `with endpointType ${type} (a public API is not reached through a VPC endpoint)`);
  }
}

/** CORS origins and max age (shared with `ContractApi`). */
export function validateCors(v: Validation, cors: apigateway.CorsOptions | undefined): void {
  if (!cors) return;
  const origins = cors.allowOrigins;
  if (!known(origins)) return;
  if (!v.nonEmpty('cors.allowOrigins', origins, "apigateway.Cors.ALL_ORIGINS or origins such as 'https://app.example.com'")) return;
  const wildcard = origins.includes('*');
  if (wildcard && origins.length > 1) {
    v.fail('cors.allowOrigins', origins, "either ['*'] alone or a list of origins", "mixes '*' with origins");
  }
  if (wildcard && cors.allowCredentials) {
    v.fail('cors.allowOrigins', origins, "origins such as 'https://app.example.com' with allowCredentials, or allowCredentials false",
      "is '*' with allowCredentials true (browsers refuse credentials for a wildcard origin)");
  }
  const bad = origins.filter((o) => o !== '*' && known(o) && !ORIGIN.test(o));
  if (bad.length > 0) {
    v.fail('cors.allowOrigins', bad, "origins as browsers send them: scheme://host[:port], no path or trailing '/', e.g. 'https://app.example.com'", 'are not origins');
  }
  if (cors.maxAge !== undefined) v.duration('cors.maxAge', cors.maxAge, { min: Duration.seconds(0), max: Duration.days(1), allowed: 'up to 1 day (browsers cap it lower)' });
}

/** A stage, route or plan throttle (shared with `ContractApi`). */
export function validateThrottle(v: Validation, name: string, t: ApiThrottle): void {
  const rate = t.rateLimit;
  const burst = t.burstLimit;
  v.check(`${name}.rateLimit`, rate, rate >= 0, '0 or more requests per second');
  v.check(`${name}.burstLimit`, burst, Number.isInteger(burst) && burst >= 0, 'a whole number of 0 or more');
  if (known(rate) && known(burst) && burst < rate) {
    v.fail(`${name}.burstLimit`, burst, 'at least rateLimit: a burst must allow at least one second of the steady rate', `is below rateLimit ${rate}`);
  }
}
