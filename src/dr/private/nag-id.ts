import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The text cdk-nag prints for an IAM resource (e.g. `<BucketABC.Arn>/*`), so that one wildcard
 * finding can be acknowledged by its exact id: `AwsSolutions-IAM5[Resource::<that text>]`.
 */
export function nagResourceText(scope: IConstruct, value: string): string {
  const visit = (node: any): string => {
    if (node === undefined) return '';
    if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
    if (node['Fn::Join']) {
      const [delimiter, items] = node['Fn::Join'];
      return items.map(visit).join(delimiter);
    }
    if (node['Fn::Sub']) return visit(node['Fn::Sub']);
    if (node['Fn::GetAtt']) return `<${visit(node['Fn::GetAtt'][0])}.${visit(node['Fn::GetAtt'][1])}>`;
    if (node['Fn::ImportValue']) return visit(node['Fn::ImportValue']);
    if (node.Ref) return `<${visit(node.Ref)}>`;
    return JSON.stringify(node);
  };
  return visit(Stack.of(scope).resolve(value));
}
