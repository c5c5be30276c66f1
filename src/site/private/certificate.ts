import { Names, Stack, Stage } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';

/**
 * A DNS-validated certificate in us-east-1: in this stack when it is in us-east-1, otherwise in a
 * companion us-east-1 stack of the same app whose ARN CDK passes across regions.
 */
export function siteCertificate(scope: Construct, domainNames: string[], zone: route53.IHostedZone): acm.ICertificate {
  const stack = Stack.of(scope);
  const props = { domainName: domainNames[0], subjectAlternativeNames: domainNames.slice(1) };
  if (stack.region === 'us-east-1') {
    return new acm.Certificate(scope, 'Certificate', { ...props, validation: acm.CertificateValidation.fromDns(zone) });
  }
  const stage = Stage.of(stack) ?? stack.node.root;
  const certStack = new Stack(stage as Construct, `${stack.node.id}-${Names.uniqueResourceName(scope, { maxLength: 60, separator: '-' })}-Certificate`, {
    env: { account: stack.account, region: 'us-east-1' },
    crossRegionReferences: true,
    description: `us-east-1 certificate of ${scope.node.path}`,
  });
  const certZone = route53.HostedZone.fromHostedZoneAttributes(certStack, 'Zone', { hostedZoneId: zone.hostedZoneId, zoneName: zone.zoneName });
  return new acm.Certificate(certStack, 'Certificate', { ...props, validation: acm.CertificateValidation.fromDns(certZone) });
}
