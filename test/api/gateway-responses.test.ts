import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { ACCESS_LOG_FORMAT, addGatewayResponses } from '../../src/api/private/gateway-responses';

function build(cors: apigateway.CorsOptions | undefined): Template {
  const stack = new Stack(new App(), 'S');
  const api = new apigateway.RestApi(stack, 'Api');
  api.root.addMethod('GET');
  addGatewayResponses(api, cors);
  return Template.fromStack(stack);
}

describe('ACCESS_LOG_FORMAT', () => {
  test('is one JSON object of context variables, with the request id, status, trace and errors', () => {
    const format = JSON.parse(ACCESS_LOG_FORMAT);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
      xrayTraceId: '$context.xrayTraceId',
      errorMessage: '$context.error.message',
      validationError: '$context.error.validationErrorString',
    });
    for (const value of Object.values(format)) expect(value).toMatch(/^\$context\./);
    expect(ACCESS_LOG_FORMAT).not.toContain('\n');
  });
});

describe('addGatewayResponses', () => {
  test('JSON bodies for a bad body, 4xx and 5xx, with the request id, no headers without CORS', () => {
    const template = build(undefined);
    template.resourceCountIs('AWS::ApiGateway::GatewayResponse', 3);
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'BAD_REQUEST_BODY',
      ResponseTemplates: { 'application/json': '{"message":"$util.escapeJavaScript($context.error.validationErrorString)","requestId":"$context.requestId"}' },
      ResponseParameters: Match.absent(),
    });
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX']) {
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        ResponseTemplates: { 'application/json': '{"message":$context.error.messageString,"requestId":"$context.requestId"}' },
        ResponseParameters: Match.absent(),
      });
    }
  });

  test('one origin: that origin, the default headers and Vary', () => {
    const template = build({ allowOrigins: ['https://app.example.com'] });
    template.allResourcesProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseParameters: {
        'gatewayresponse.header.Access-Control-Allow-Origin': "'https://app.example.com'",
        'gatewayresponse.header.Access-Control-Allow-Headers': `'${apigateway.Cors.DEFAULT_HEADERS.join(',')}'`,
        'gatewayresponse.header.Vary': "'Origin'",
      },
    });
  });

  test("all origins: '*' and no Vary; given headers are used", () => {
    const template = build({ allowOrigins: apigateway.Cors.ALL_ORIGINS, allowHeaders: ['Content-Type', 'Authorization'] });
    template.allResourcesProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseParameters: {
        'gatewayresponse.header.Access-Control-Allow-Origin': "'*'",
        'gatewayresponse.header.Access-Control-Allow-Headers': "'Content-Type,Authorization'",
      },
    });
  });

  test("several origins: '*' with Vary", () => {
    const template = build({ allowOrigins: ['https://a.example.com', 'https://b.example.com'] });
    template.allResourcesProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseParameters: Match.objectLike({
        'gatewayresponse.header.Access-Control-Allow-Origin': "'*'",
        'gatewayresponse.header.Vary': "'Origin'",
      }),
    });
  });
});
