/** Peer composition (a): cdk-rampart. Static site with WAF, REST API with one traced Lambda route, a DynamoDB table. */
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { peerApp } from './peer-common';
import { HttpMethod, RouteAuthorization, TracedApi } from '../../src/api';
import { DataTable } from '../../src/data';
import { SecureSite } from '../../src/site';

const { app, stack, code } = peerApp();
new SecureSite(stack, 'Site');
const table = new DataTable(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
const api = new TracedApi(stack, 'Api', {
  serviceName: 'peer',
  routes: [{
    method: HttpMethod.GET,
    path: '/items',
    code,
    handler: 'index.handler',
    authorization: RouteAuthorization.NONE,
    functionOptions: { environment: { TABLE_NAME: table.tableName } },
  }],
});
table.grantReadWriteItems(api.functionFor(HttpMethod.GET, '/items'));
app.synth();
