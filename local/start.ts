/** `npm start`: the whole system on 127.0.0.1, no AWS account, no Docker. */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { parseArgs } from 'node:util';
import { DEFAULT_PORT_BASE, layout, lobbyHome } from './paths.ts';
import { startLocalStack } from './stack.ts';

const { values } = parseArgs({
  options: {
    fresh: { type: 'boolean', default: false },
    home: { type: 'string' },
    'port-base': { type: 'string' },
    quiet: { type: 'boolean', default: false },
    'in-memory': { type: 'boolean', default: false },
  },
});

const home = lobbyHome(values.home);
const portBase = values['port-base'] ? Number(values['port-base']) : DEFAULT_PORT_BASE;
const started = Date.now();
let stack: Awaited<ReturnType<typeof startLocalStack>> | undefined;
let stopping = false;
/** A dead emulator would turn every request into a 500: say what died and stop with a non-zero status. */
const childDied = (message: string) => {
  // Ctrl-C reaches java too (same process group): let our own SIGINT handler claim it first.
  setTimeout(() => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`lobby: ${message}; stopping the local stack\n`);
    void (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(1));
  }, 250);
};
try {
  stack = await startLocalStack({
    home,
    portBase,
    fresh: values.fresh,
    inMemory: values['in-memory'],
    onChildDied: childDied,
    // What a phone would get: the call id only (never the device token); the callee's number to its last 4 digits.
    onPush: values.quiet ? undefined : (p) => process.stdout.write(`push   ${p.platform} ${JSON.stringify(p.payload)} -> ${p.endpointArn.split('/').at(-1)}\n`),
    // A text as the phone would show it, to the number's last 4 digits.
    onText: values.quiet ? undefined : (t) => process.stdout.write(`sms    ...${t.to.slice(-4)} ${JSON.stringify(t.body)}\n`),
    onPhoneCall: values.quiet
      ? undefined
      : (c, what) => process.stdout.write(`phone  ...${c.to.slice(-4)} ${what}${c.heard.length ? `; heard: ${c.heard.map((h) => `"${h}"`).join(' ')}` : ''}\n`),
  });
} catch (error) {
  process.stderr.write(`lobby: could not start the local stack: ${(error as Error).message}\n`);
  process.exit(1);
}

const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`\nlobby: ${signal}, stopping...\n`);
  await stack!.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

const { info } = stack!;
const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (!values.quiet) {
  process.stdout.write(`
Lobby local stack is up in ${seconds}s (state in ${home}; Ctrl-C stops everything)

  API        ${info.apiUrl}          (OpenAPI: ${info.apiUrl}/openapi.json)
  DynamoDB   ${info.dynamodbEndpoint}
  S3         ${info.s3Endpoint}       (bucket ${info.photosBucket})
  MQTT       ${info.mqttUrl}
  IoT data   ${info.iotDataEndpoint}
  SNS push   ${info.snsEndpoint}       (pushes: ${info.pushLog})
  PSTN       ${info.pstnEndpoint}       (npm run phone -- press 9 | press 5 | hangup)
  E-mail     ${info.mailUrl}       (SES v2 stand-in: the notification mails)
  SMS        ${info.smsEndpoint}       (texts: ${info.smsLog})
  Property   ${info.propertyId}  (Demo Tower; admin, staff, resident in unit 4B)
  Details    ${layout(home).localJson}  (URLs, ids and tokens for operator/admin/staff/resident)

Try:
  TOKEN=$(node -p "require('${layout(home).localJson}').tokens.admin")
  curl -s -H "authorization: Bearer $TOKEN" ${info.apiUrl}/properties/${info.propertyId}
  curl -s -X POST -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
       -d '{"description":"USPS","pin":"480213"}' ${info.apiUrl}/properties/${info.propertyId}/delivery-pins
`);
} else {
  process.stdout.write(`lobby: local stack ready in ${seconds}s\n`);
}
