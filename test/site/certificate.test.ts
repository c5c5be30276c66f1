import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { siteCertificate } from '../../src/site/private/certificate';

const zoneOf = (stack: Stack) => route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z123', zoneName: 'example.com' });

describe('siteCertificate', () => {
  test('in a us-east-1 stack: a DNS-validated certificate in that stack, first name as domain, the rest as alternatives', () => {
    const app = new App();
    const stack = new Stack(app, 'Site', { env: { account: '123456789012', region: 'us-east-1' } });
    siteCertificate(stack, ['example.com', 'www.example.com'], zoneOf(stack));
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CertificateManager::Certificate', 1);
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'example.com',
      SubjectAlternativeNames: ['www.example.com'],
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'example.com', HostedZoneId: 'Z123' }, { DomainName: 'www.example.com', HostedZoneId: 'Z123' }],
    });
    expect(app.node.children.filter((c) => c instanceof Stack)).toHaveLength(1);
  });

  test('elsewhere: a companion us-east-1 stack of the same account holds the certificate', () => {
    const app = new App();
    const stack = new Stack(app, 'Site', { env: { account: '123456789012', region: 'eu-west-1' }, crossRegionReferences: true });
    const certificate = siteCertificate(stack, ['www.example.com'], zoneOf(stack));
    const certStack = Stack.of(certificate);
    expect(certStack).not.toBe(stack);
    expect(certStack.region).toBe('us-east-1');
    expect(certStack.account).toBe('123456789012');
    expect(certStack.node.id).toMatch(/^Site-.*-Certificate$/);
    Template.fromStack(stack).resourceCountIs('AWS::CertificateManager::Certificate', 0);
    Template.fromStack(certStack).hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'www.example.com',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'www.example.com', HostedZoneId: 'Z123' }],
    });
  });
});
