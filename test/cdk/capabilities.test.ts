import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { asArray, type Json, referencedIds } from './template-json.ts';
import { type Capability, capabilities, capabilitiesOf, type LambdaName, talksToIotData } from '../../functions/capabilities.ts';
import { routes } from '../../functions/http/routes.ts';
import { panelTopicRoot } from '../../iot/protocol/topics.ts';
import { buildApp } from '../../lib/app.ts';
import { IOT_DATA_ENDPOINT_VARIABLE, RULE_DRIVEN_FUNCTIONS } from '../../lib/panels.ts';

/**
 * The capability table (functions/capabilities.ts) is what each function may do in AWS:
 * its IAM policy must be exactly what its capabilities give, plus what every function and
 * its trigger come with, no more and no less. A grant made by hand in lib/ beside the table,
 * or a capability that grants nothing (or something else), fails here.
 */

const STACK = 'Lobby-dev';
const TOPIC_ROOT = panelTopicRoot('dev');
let resources: Record<string, Json>;

beforeAll(() => {
  // No bundling, no cdk-nag, no validation: only the policies matter here (stack.test.ts checks the rest).
  const { stack } = buildApp({ nag: false, builtinCloudFormationValidation: false, context: { 'aws:cdk:enable-path-metadata': true, 'aws:cdk:bundling-stacks': [] } });
  resources = Template.fromStack(stack).toJSON().Resources;
}, 120_000);

const constructId = (fn: string) =>
  fn
    .split('-')
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
const apiFunctions = new Set<string>(routes.map((route) => route.fn));
const scope = (fn: LambdaName) => (apiFunctions.has(fn) || fn === 'authorizer' ? 'Api' : fn === 'phone-call' ? 'Telephony' : fn === 'notifications' ? 'Notifications' : 'Panels');

function idAt(path: string): string {
  const found = Object.entries(resources).filter(([, r]) => r.Metadata?.['aws:cdk:path'] === `${STACK}/${path}`);
  expect(found, `resource at ${STACK}/${path}`).toHaveLength(1);
  return found[0]![0];
}

/**
 * A statement as its "action -> resource" pairs: CDK merges statements that share actions
 * or resources (minimizePolicies), so pairs compare what is granted, not how it is grouped.
 */
const key = (actions: string | string[], resources: Json): string[] =>
  asArray(actions).flatMap((action) => asArray<Json>(resources).map((resource) => `${action} -> ${JSON.stringify(resource)}`));
const pairs = (keys: string[]) => [...new Set(keys)].sort();

/** Everything every policy attached to a role allows, as sorted unique pairs. */
function policyOf(role: string): string[] {
  return pairs(
    Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && referencedIds(r.Properties.Roles).has(role))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
      .flatMap((s: Json) => {
        expect(s.Effect).toBe('Allow');
        expect(s.Condition).toBeUndefined();
        return key(s.Action, s.Resource);
      }),
  );
}

const iotArn = (resource: string | Json) => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':iot:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      ...(typeof resource === 'string' ? [`:${resource}`] : [':policy/', resource]),
    ],
  ],
});
const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
/** KVS signaling channels of this stage's panels only: lobby-dev-<panelId> (adapters/kvs-media.ts signalingChannelName), any creation time. */
const CHANNELS = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kinesisvideo:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':channel/lobby-dev-*/*']] };
const objects = (prefix: string) => ({ 'Fn::Join': ['', [arn(idAt('Photos/Bucket/Resource')), `/${prefix}*`]] });
/** DynamoDB Table.grantReadWriteData. */
const TABLE_READ_WRITE = [
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DeleteItem',
  'dynamodb:DescribeTable',
  'dynamodb:GetItem',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:UpdateItem',
];

/** What one capability gives, in the template's terms. */
function statementsFor(capability: Capability): string[] {
  const lobbyTable = arn(idAt('Data/LobbyTable/Resource'));
  switch (capability) {
    case 'table':
      return key(TABLE_READ_WRITE, [lobbyTable, { 'Fn::Join': ['', [lobbyTable, '/index/*']] }]);
    case 'idempotency':
      return key(TABLE_READ_WRITE, arn(idAt('Data/IdempotencyTable/Resource')));
    case 'code-secret':
      return key(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], { Ref: idAt('Data/CodeSecret/Resource') });
    case 'photos-read':
      return key('s3:GetObject', objects('photos/'));
    case 'photos-write':
      return key('s3:PutObject', objects('photos/'));
    case 'photos-delete':
      return key('s3:DeleteObject', objects('photos/'));
    case 'snapshots':
      return key(['s3:GetObject', 's3:PutObject'], objects('credential-sets/'));
    case 'publish-responses':
      return key('iot:Publish', iotArn(`topic/${TOPIC_ROOT}/*/responses`));
    case 'publish-commands':
      return key('iot:Publish', iotArn(`topic/${TOPIC_ROOT}/*/commands`));
    case 'publish-calls':
      return key('iot:Publish', iotArn(`topic/${TOPIC_ROOT}/*/calls`));
    case 'credentials-shadow':
      return key('iot:UpdateThingShadow', iotArn('thing/*/credentials'));
    case 'provision-panels':
      return [
        ...key('iot:CreateThing', iotArn('thing/*')),
        ...key(['iot:AttachPolicy', 'iot:AttachThingPrincipal'], iotArn('cert/*')),
        ...key(['iot:UpdateCertificate', 'iot:DeleteCertificate', 'iot:DetachThingPrincipal', 'iot:DetachPolicy'], iotArn('cert/*')),
        ...key('iot:DetachPolicy', iotArn({ Ref: idAt('Panels/Policy') })),
        ...key(['iot:ListThingPrincipals', 'iot:DeleteThing', 'iot:DetachThingPrincipal'], iotArn('thing/*')),
        ...key(['iot:CreateKeysAndCertificate', 'iot:DescribeEndpoint'], '*'),
      ];
    // Off without their context (this build has none): test/cdk/telephony.test.ts and notifications.test.ts check them on.
    case 'push':
      return [];
    case 'send-email':
      return [];
    case 'send-sms':
      return [];
    case 'dial-phone':
      return [];
    case 'open-channels':
      return key(['kinesisvideo:CreateSignalingChannel', 'kinesisvideo:DescribeSignalingChannel'], CHANNELS);
    case 'delete-channels':
      return key(['kinesisvideo:DeleteSignalingChannel', 'kinesisvideo:DescribeSignalingChannel'], CHANNELS);
    // A panel's session is MASTER (panel-requests), an app's VIEWER (calls): neither function can presign the other role.
    case 'master-sessions':
      return key(
        ['kinesisvideo:DescribeSignalingChannel', 'kinesisvideo:GetSignalingChannelEndpoint', 'kinesisvideo:GetIceServerConfig', 'kinesisvideo:ConnectAsMaster'],
        CHANNELS,
      );
    // The integrations function manages app clients of the stack's pool only; the authorizer reads single items.
    case 'app-clients':
      return key(['cognito-idp:CreateUserPoolClient', 'cognito-idp:DescribeUserPoolClient', 'cognito-idp:DeleteUserPoolClient'], arn(idAt('Auth/UserPool/Resource')));
    case 'table-get':
      return key('dynamodb:GetItem', lobbyTable);
    case 'viewer-sessions':
      return key(
        ['kinesisvideo:DescribeSignalingChannel', 'kinesisvideo:GetSignalingChannelEndpoint', 'kinesisvideo:GetIceServerConfig', 'kinesisvideo:ConnectAsViewer'],
        CHANNELS,
      );
  }
}

/** What every function comes with (its log group, X-Ray), and what its trigger needs: not capabilities. */
function baseline(fn: LambdaName): string[] {
  const logs = key(['logs:CreateLogStream', 'logs:PutLogEvents'], arn(idAt(`${scope(fn)}/${constructId(fn)}/Logs/Resource`)));
  const xray = key(['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], '*');
  const trigger: string[][] = [];
  // Lambda's on-failure destination of an asynchronous (IoT rule) invocation sends with the function's role.
  if ((RULE_DRIVEN_FUNCTIONS as readonly string[]).includes(fn)) {
    trigger.push(key(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'], arn(idAt(`Panels/${constructId(fn)}Failures/Resource`))));
  }
  if (fn === 'reconcile') {
    // Its scheduled runs are asynchronous invocations whose on-failure destination is the schedule's queue.
    trigger.push(key(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'], arn(idAt('Panels/ReconcileFailures/Resource'))));
  }
  if (fn === 'credential-stream') {
    const failures = arn(idAt('Panels/StreamFailures/Resource'));
    trigger.push(
      key(['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'], { 'Fn::GetAtt': [idAt('Data/LobbyTable/Resource'), 'StreamArn'] }),
      key('dynamodb:ListStreams', '*'),
      key('s3:PutObject', { 'Fn::Join': ['', [failures, '/*']] }),
      key('s3:ListBucket', failures),
    );
  }
  if (fn === 'notifications') {
    // The stream mapping (on-failure destination) and asynchronous invocations (on-failure destination) send to its failure queue.
    trigger.push(
      key(['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'], { 'Fn::GetAtt': [idAt('Data/LobbyTable/Resource'), 'StreamArn'] }),
      key('dynamodb:ListStreams', '*'),
      key(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'], arn(idAt('Notifications/Failures/Resource'))),
    );
  }
  return [...logs, ...xray, ...trigger.flat()];
}

const allFunctions = Object.keys(capabilities) as LambdaName[];

describe('capabilities: the table and the stack agree', () => {
  it('the table names every Lambda function of the stack, and nothing else', () => {
    const deployed = Object.values(resources)
      .filter((r) => r.Type === 'AWS::Lambda::Function' && /\/(Api|Panels|Telephony|Notifications)\/[A-Za-z]+\/Function\/Resource$/.test(r.Metadata['aws:cdk:path']))
      .map((r) => r.Metadata['aws:cdk:path'].split('/').at(-3));
    expect(deployed.sort()).toEqual(allFunctions.map(constructId).sort());
  });

  it('a function with an Idempotency-Key route, and only such a function, has the idempotency capability', () => {
    for (const fn of apiFunctions) {
      expect(capabilitiesOf(fn as LambdaName).includes('idempotency'), fn).toBe(routes.some((route) => route.fn === fn && route.idempotent));
    }
  });

  it.each(allFunctions)('%s: its IAM policy is exactly its capabilities (plus logs, X-Ray and its trigger)', (fn) => {
    const expected = pairs([...baseline(fn), ...capabilitiesOf(fn).flatMap(statementsFor)]);
    expect(policyOf(idAt(`${scope(fn)}/${constructId(fn)}/Role/Resource`))).toEqual(expected);
  });

  it.each(allFunctions)('%s: reaches the IoT data endpoint exactly when a capability talks to IoT', (fn) => {
    const variables = resources[idAt(`${scope(fn)}/${constructId(fn)}/Function/Resource`)].Properties.Environment.Variables;
    expect(IOT_DATA_ENDPOINT_VARIABLE in variables).toBe(talksToIotData(fn));
    expect('PANEL_THING_TYPE' in variables).toBe(capabilitiesOf(fn).includes('provision-panels'));
  });
});
