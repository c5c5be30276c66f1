/**
 * Acknowledged rules whose acknowledgement leaves a risk a reviewer should weigh first, by rule id
 * (without a finding part), with the risk in one sentence. The report lists them at the top.
 */
export const RESIDUAL_RISKS: Readonly<Record<string, string>> = {
  'AwsSolutions-CFR4': 'Served on its *.cloudfront.net name with CloudFront\'s default certificate, whose fixed security policy (TLSv1) still accepts TLS 1.0 and 1.1 from viewers; a custom domain with its own certificate gets TLSv1.2_2021.',
  'AwsSolutions-COG2': 'Multi-factor authentication is not required for every user of the user pool.',
  'AwsSolutions-APIG4': 'API methods that answer without authorization.',
  'AwsSolutions-EC23': 'A security group that admits traffic from any address.',
  'AwsSolutions-SMG4': 'A secret that is not rotated automatically.',
};

/** The residual risk an acknowledged rule id leaves, if it is one of those. */
export function residualRisk(ruleId: string): string | undefined {
  return RESIDUAL_RISKS[ruleId] ?? RESIDUAL_RISKS[ruleId.replace(/\[.*\]$/, '')];
}
