import * as apigateway from 'aws-cdk-lib/aws-apigateway';

/** One line per request in the access log, as JSON. */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  caller: '$context.identity.caller',
  user: '$context.identity.user',
  principalId: '$context.authorizer.principalId',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  path: '$context.path',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integration.latency',
  integrationStatus: '$context.integration.status',
  xrayTraceId: '$context.xrayTraceId',
  wafStatus: '$context.waf.status',
  errorMessage: '$context.error.message',
  errorType: '$context.error.responseType',
  validationError: '$context.error.validationErrorString',
});

/**
 * JSON gateway errors (a bad body with the validation message, every other 4xx and 5xx with the
 * gateway's message), each with the request id, and CORS headers when CORS is on.
 */
export function addGatewayResponses(api: apigateway.RestApi, cors: apigateway.CorsOptions | undefined): void {
  const headers: { [name: string]: string } = {};
  if (cors) {
    const origins = cors.allowOrigins;
    headers['Access-Control-Allow-Origin'] = `'${origins.length === 1 ? origins[0] : '*'}'`;
    headers['Access-Control-Allow-Headers'] = `'${(cors.allowHeaders ?? apigateway.Cors.DEFAULT_HEADERS).join(',')}'`;
    if (origins.length !== 1 || origins[0] !== '*') headers.Vary = "'Origin'";
  }
  const body = (message: string) => ({
    'application/json': `{"message":${message},"requestId":"$context.requestId"}`,
  });
  api.addGatewayResponse('BadRequestBody', {
    type: apigateway.ResponseType.BAD_REQUEST_BODY,
    responseHeaders: cors ? headers : undefined,
    templates: body('"$util.escapeJavaScript($context.error.validationErrorString)"'),
  });
  api.addGatewayResponse('Default4xx', {
    type: apigateway.ResponseType.DEFAULT_4XX,
    responseHeaders: cors ? headers : undefined,
    templates: body('$context.error.messageString'),
  });
  api.addGatewayResponse('Default5xx', {
    type: apigateway.ResponseType.DEFAULT_5XX,
    responseHeaders: cors ? headers : undefined,
    templates: body('$context.error.messageString'),
  });
}
