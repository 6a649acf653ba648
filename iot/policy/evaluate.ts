import type { IotPolicyDocument, IotPolicyStatement } from './policy-document.ts';

/**
 * Evaluates AWS IoT Core policies the way the IoT message broker does, for the subset we use:
 * - explicit Deny beats Allow; nothing matched means denied;
 * - actions match case-insensitively, `*` and `?` wildcards allowed (`iot:*`);
 * - resources are ARNs where `*` matches any run of characters (including `/`) and `?` one;
 *   the MQTT wildcards `+` and `#` are plain characters in a policy, so a topicfilter resource
 *   `.../topicfilter/a/*` covers a subscription to `a/+/b` only because `*` matches the text `+/b`;
 * - policy variables `${iot:ClientId}` and `${iot:Connection.Thing.ThingName}` are substituted
 *   literally; a variable with no value makes that resource match nothing (as in IoT Core);
 *   `${*}`, `${?}`, `${$}` stand for the literal characters.
 * Conditions, NotAction and NotResource are not supported: a statement using them throws, so a
 * policy change cannot silently mean something else locally than in AWS.
 */
export interface AccessRequest {
  /** e.g. `iot:Publish` */
  action: string;
  /** full ARN, e.g. `arn:aws:iot:us-east-1:123456789012:topic/lobby/panels/A/events` */
  resource: string;
  /** value of `${iot:Connection.Thing.ThingName}`; absent when the connection has no thing */
  thingName?: string;
  /** value of `${iot:ClientId}` */
  clientId?: string;
}

export function isAllowed(policy: IotPolicyDocument | IotPolicyDocument[], request: AccessRequest): boolean {
  let allowed = false;
  for (const document of Array.isArray(policy) ? policy : [policy]) {
    for (const statement of document.Statement) {
      if (!statementMatches(statement, request)) continue;
      if (statement.Effect === 'Deny') return false;
      allowed = true;
    }
  }
  return allowed;
}

function statementMatches(statement: IotPolicyStatement, request: AccessRequest): boolean {
  const unsupported = ['Condition', 'NotAction', 'NotResource', 'NotPrincipal'].filter((key) => key in statement);
  if (unsupported.length > 0) {
    throw new Error(`IoT policy evaluator: ${unsupported.join(', ')} not supported locally`);
  }
  const variables = {
    'iot:ClientId': request.clientId,
    'iot:Connection.Thing.ThingName': request.thingName,
  };
  return (
    toList(statement.Action).some((pattern) => matches(pattern, request.action, {}, true)) &&
    toList(statement.Resource).some((pattern) => matches(pattern, request.resource, variables, false))
  );
}

function toList(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

const LITERAL_VARIABLES: Record<string, string> = { '*': '*', '?': '?', $: '$' };

/** Compiles a policy pattern into a regular expression; undefined when a variable has no value. */
function compile(pattern: string, variables: Record<string, string | undefined>, ignoreCase: boolean): RegExp | undefined {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '$' && pattern[i + 1] === '{') {
      const end = pattern.indexOf('}', i + 2);
      if (end < 0) return undefined; // malformed variable: match nothing rather than guess
      const name = pattern.slice(i + 2, end);
      const value = LITERAL_VARIABLES[name] ?? variables[name];
      if (value === undefined || value === '') return undefined;
      source += escapeRegExp(value);
      i = end;
    } else if (char === '*') {
      source += '.*';
    } else if (char === '?') {
      source += '.';
    } else {
      source += escapeRegExp(char);
    }
  }
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
}

function matches(pattern: string, value: string, variables: Record<string, string | undefined>, ignoreCase: boolean): boolean {
  return compile(pattern, variables, ignoreCase)?.test(value) ?? false;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
