import { HttpMethod, RouteAuthorization } from '../../src/api/traced-api-route';

describe('HttpMethod', () => {
  test('each value is the method name API Gateway takes', () => {
    expect(Object.values(HttpMethod)).toEqual(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'ANY']);
    for (const [name, value] of Object.entries(HttpMethod)) expect(value).toBe(name);
  });
});

describe('RouteAuthorization', () => {
  test('IAM, COGNITO and NONE, each named as itself', () => {
    expect(Object.values(RouteAuthorization)).toEqual(['IAM', 'COGNITO', 'NONE']);
    for (const [name, value] of Object.entries(RouteAuthorization)) expect(value).toBe(name);
  });
});
