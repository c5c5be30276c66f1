/**
 * Peer composition (c): AWS Solutions Constructs 2.104.0. aws-cloudfront-s3 + aws-wafwebacl-cloudfront
 * for the site, aws-apigateway-lambda for the API. `@aws-solutions-constructs/aws-lambda-dynamodb` has
 * no release compatible with core 2.104.0, so the table is built the way that pattern builds it:
 * core's `buildDynamoDBTable` and the pattern's default grant (read-write) and environment variable.
 */
import { ApiGatewayToLambda } from '@aws-solutions-constructs/aws-apigateway-lambda';
import { CloudFrontToS3 } from '@aws-solutions-constructs/aws-cloudfront-s3';
import { WafwebaclToCloudFront } from '@aws-solutions-constructs/aws-wafwebacl-cloudfront';
import { buildDynamoDBTable } from '@aws-solutions-constructs/core';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { peerApp } from './peer-common';

const { app, stack, code } = peerApp();
const site = new CloudFrontToS3(stack, 'Site', {});
new WafwebaclToCloudFront(stack, 'Waf', { existingCloudFrontWebDistribution: site.cloudFrontWebDistribution });
const api = new ApiGatewayToLambda(stack, 'Api', {
  apiGatewayProps: { proxy: false },
  lambdaFunctionProps: { runtime: lambda.Runtime.NODEJS_24_X, architecture: lambda.Architecture.ARM_64, handler: 'index.handler', code },
});
api.apiGateway.root.addResource('items').addMethod('GET');
const { tableObject } = buildDynamoDBTable(stack, {});
tableObject!.grantReadWriteData(api.lambdaFunction);
api.lambdaFunction.addEnvironment('DDB_TABLE_NAME', tableObject!.tableName);
app.synth();
