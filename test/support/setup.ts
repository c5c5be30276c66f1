import { assetHashSerializer } from './snapshot-serializer';
import { profileSynths, SYNTH_PROFILE_VARIABLE } from './synth-profile';
import { LIFTED } from '../../tools/sdk-limits';

// aws-cdk-lib's CloudFormation schema check costs seconds per synth: unit tests skip it,
// `expectCompliant` turns it back on for its own synth.
process.env.CDK_VALIDATION = 'false';

expect.addSnapshotSerializer(assetHashSerializer);

// The handlers' SDK time limits are the subject of the fault tests only (they put the deployed
// ones back with deployedSdkLimits()); elsewhere many files run at once on a small machine, where
// a cold first call can outlast them without any fault.
for (const [k, v] of Object.entries(LIFTED)) process.env[k] ??= v;

// Where the time goes: each file's synth time, when asked for (see synth-profile.ts).
if (process.env[SYNTH_PROFILE_VARIABLE]) profileSynths(process.env[SYNTH_PROFILE_VARIABLE]);
