import { assetHashSerializer } from './snapshot-serializer';

// aws-cdk-lib's CloudFormation schema check costs seconds per synth: unit tests skip it,
// `expectCompliant` turns it back on for its own synth.
process.env.CDK_VALIDATION = 'false';

expect.addSnapshotSerializer(assetHashSerializer);
