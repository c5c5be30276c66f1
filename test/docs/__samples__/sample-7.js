const __sampleApp = (a) => (globalThis.__rampartSampleApps.push(a), a);
"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
const ec2 = __importStar(require("aws-cdk-lib/aws-ec2"));
const lambda = __importStar(require("aws-cdk-lib/aws-lambda"));
const index_1 = require("../../../src/index");
// Fixture for README samples without setup of their own: the sample runs inside a stack's
// constructor (`this` is the stack), in an app of its own.
const aws_cdk_lib_1 = require("aws-cdk-lib");
class Fixture extends aws_cdk_lib_1.Stack {
    constructor(scope, id) {
        super(scope, id);
        const network = new index_1.SecureVpc(this, 'Network');
        const db = new index_1.RelationalDatabase(this, 'Database', { vpc: network.vpc }); // Serverless v2, 1 reader, proxy
        const orders = new index_1.TracedFunction(this, 'Orders', {
            code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'), handler: 'index.handler',
            serviceName: 'orders', vpc: network.vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        });
        db.grantConnect(orders.function); // the proxy's and the cluster's port + rds-db:connect (IAM authentication)
        orders.function.addEnvironment('DB_HOST', db.proxyEndpoint);
    }
}
new Fixture(__sampleApp(new aws_cdk_lib_1.App()), 'Fixture');
