import { apiGatewayEvent, jsonApiGatewayEvent } from '../src/testing';

describe('apiGatewayEvent', () => {
  test('fills the path from the path parameters and sets every request context field API Gateway sets', () => {
    const event = apiGatewayEvent({ method: 'GET', resource: '/passes/{passId}', pathParameters: { passId: 'p-1' }, stage: 'v1', requestId: 'r-1' });
    expect(event).toMatchObject({
      resource: '/passes/{passId}',
      path: '/passes/p-1',
      httpMethod: 'GET',
      pathParameters: { passId: 'p-1' },
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      stageVariables: null,
      body: null,
      isBase64Encoded: false,
      requestContext: { requestId: 'r-1', stage: 'v1', path: '/v1/passes/p-1', resourcePath: '/passes/{passId}', httpMethod: 'GET', authorizer: null },
    });
    expect(event.requestContext.identity.sourceIp).toBe('127.0.0.1');
    expect(typeof event.requestContext.requestTimeEpoch).toBe('number');
  });

  test('no path parameters is null, as API Gateway passes it', () => {
    expect(apiGatewayEvent({ method: 'GET', resource: '/counter' }).pathParameters).toBeNull();
  });

  test('single and multi-value headers and query agree: the single value is the last one', () => {
    const event = apiGatewayEvent({ method: 'GET', resource: '/items', multiValueHeaders: { 'X-A': ['1', '2'] }, multiValueQuery: { colour: ['black', 'silver'] } });
    expect(event.headers).toEqual({ 'X-A': '2' });
    expect(event.queryStringParameters).toEqual({ colour: 'silver' });
    expect(event.multiValueQueryStringParameters).toEqual({ colour: ['black', 'silver'] });
    const single = apiGatewayEvent({ method: 'GET', resource: '/items', headers: { 'User-Agent': 'probe' }, query: { size: 's' } });
    expect(single.multiValueHeaders).toEqual({ 'User-Agent': ['probe'] });
    expect(single.multiValueQueryStringParameters).toEqual({ size: ['s'] });
    expect(single.requestContext.identity.userAgent).toBe('probe');
  });

  test("claims go where API Gateway's Cognito authorizer puts them; a Lambda authorizer's context replaces them", () => {
    expect(apiGatewayEvent({ method: 'GET', resource: '/me', claims: { sub: 'u-1' } }).requestContext.authorizer).toEqual({ claims: { sub: 'u-1' } });
    expect(apiGatewayEvent({ method: 'GET', resource: '/me', authorizer: { sub: 'u-1' } }).requestContext.authorizer).toEqual({ sub: 'u-1' });
  });

  test('each event gets its own request id unless given', () => {
    const a = apiGatewayEvent({ method: 'GET', resource: '/' });
    const b = apiGatewayEvent({ method: 'GET', resource: '/' });
    expect(a.requestContext.requestId).not.toBe(b.requestContext.requestId);
  });

  test('jsonApiGatewayEvent serializes the body and says it is JSON, unless a content type is given', () => {
    const event = jsonApiGatewayEvent({ method: 'POST', resource: '/items', json: { n: 1 } });
    expect(event.body).toBe('{"n":1}');
    expect(event.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(jsonApiGatewayEvent({ method: 'POST', resource: '/items', headers: { 'content-type': 'text/plain' }, json: 'x' }).headers).toEqual({ 'content-type': 'text/plain' });
    expect(jsonApiGatewayEvent({ method: 'POST', resource: '/items' }).body).toBeNull();
  });
});
