/** Reading a synthesized CloudFormation template, shared by the CDK tests. */

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation JSON, read by path; each assertion checks the shape it reads
export type Json = any;

/** Logical ids a template fragment references with Ref or Fn::GetAtt. */
export function referencedIds(value: Json, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) referencedIds(v, into);
  else if (value && typeof value === 'object') {
    if (typeof value.Ref === 'string') into.add(value.Ref);
    if (Array.isArray(value['Fn::GetAtt'])) into.add(value['Fn::GetAtt'][0]);
    for (const v of Object.values(value)) referencedIds(v, into);
  }
  return into;
}

/** CloudFormation allows one value or a list in many places (Action, Resource, ...). */
export const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
