/** `npm start`: the whole system on 127.0.0.1, no AWS account, no Docker. */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { intFlag, parseCommandLine, usageExit } from '../iot/panel/cli-input.ts';
import { CONTEXT, corsOrigins } from '../lib/settings.ts';
import { requestLine, routeTable } from './gateway-edge.ts';
import { DEFAULT_PORT_BASE, layout, lobbyHome } from './paths.ts';

const USAGE = `usage: npm start [-- --home DIR] [--port-base N] [--fresh] [--in-memory] [--json-logs] [--quiet] [--cors-origin ORIGIN ...]
  --home DIR          state directory (default LOBBY_HOME, else .lobby); the CLIs find the stack through it
  --port-base N       API on N, DynamoDB Local N+1, S3 N+2, MQTT N+3, IoT data N+4, KVS N+5/N+6 (default ${DEFAULT_PORT_BASE})
  --fresh             wipe the state directory first (new keys, new demo property)
  --in-memory         DynamoDB Local without a database file
  --json-logs         the functions' Powertools JSON logs instead of one line per request
  --quiet             no banner, progress or request lines (the JSON logs, as the test suite reads them)
  --cors-origin URL   a browser origin the API allows (repeatable); added to cdk.json's lobby:corsOrigins`;

const { values } = parseCommandLine('start', USAGE, {
  options: {
    fresh: { type: 'boolean', default: false },
    home: { type: 'string' },
    'port-base': { type: 'string' },
    quiet: { type: 'boolean', default: false },
    'in-memory': { type: 'boolean', default: false },
    'json-logs': { type: 'boolean', default: false },
    'cors-origin': { type: 'string', multiple: true },
  },
});

const home = lobbyHome(values.home);
const portBase = intFlag('start', USAGE, 'port-base', values['port-base'], 1024) ?? DEFAULT_PORT_BASE;
if (portBase > 65_000) usageExit('start', USAGE, `--port-base must be at most 65000, got ${portBase}`);
let allowedOrigins: string[];
try {
  // The same setting as the deployed API's (lib/cors.ts): cdk.json's context, plus what the command line adds.
  allowedOrigins = corsOrigins([...corsOrigins(cdkContext(CONTEXT.corsOrigins)), ...(values['cors-origin'] ?? [])]);
} catch (error) {
  usageExit('start', USAGE, (error as Error).message);
}
const quiet = values.quiet;
const readable = !quiet && !values['json-logs'];
// One line per request instead of the functions' JSON; their warnings and errors still print (as JSON).
if (readable) process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
const say = (line: string) => {
  if (!quiet) process.stdout.write(`${line}\n`);
};

// Loaded only now: --help and a bad flag answer at once, without loading every handler's dependencies.
const { startLocalStack } = await import('./stack.ts');
const { routes } = await import('../functions/http/routes.ts');

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
say(`lobby: starting the local stack (state in ${home}, ports ${portBase}-${portBase + 6} on 127.0.0.1)`);
try {
  stack = await startLocalStack({
    home,
    portBase,
    fresh: values.fresh,
    inMemory: values['in-memory'],
    corsOrigins: allowedOrigins,
    onChildDied: childDied,
    progress: (line) => say(`  ${line.trim()}`),
    onRequest: readable ? (r) => process.stdout.write(`${requestLine(r)}\n`) : undefined,
    // What a phone would get: the call id only (never the device token); the callee's number to its last 4 digits.
    onPush: quiet ? undefined : (p) => process.stdout.write(`push   ${p.platform} ${JSON.stringify(p.payload)} -> ${p.endpointArn.split('/').at(-1)}\n`),
    // A text as the phone would show it, to the number's last 4 digits.
    onText: quiet ? undefined : (t) => process.stdout.write(`sms    ...${t.to.slice(-4)} ${JSON.stringify(t.body)}\n`),
    onPhoneCall: quiet
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
if (!quiet) {
  // The CLIs find this stack through its home: say so when it is not the default one.
  const env = home === lobbyHome(undefined) && !process.env.LOBBY_HOME ? '' : `LOBBY_HOME=${home} `;
  const localJson = layout(home).localJson;
  process.stdout.write(`
Routes (${routes.length}; method path -> function; * public):
${routeTable(routes)}

Lobby local stack is up in ${seconds}s (state in ${home}; Ctrl-C stops everything)

  API        ${info.apiUrl}          (OpenAPI: ${info.apiUrl}/openapi.json; health: ${info.apiUrl}/health)
  DynamoDB   ${info.dynamodbEndpoint}
  S3         ${info.s3Endpoint}       (bucket ${info.photosBucket})
  MQTT       ${info.mqttUrl}
  IoT data   ${info.iotDataEndpoint}
  SNS push   ${info.snsEndpoint}       (pushes: ${info.pushLog})
  PSTN       ${info.pstnEndpoint}
  E-mail     ${info.mailUrl}       (SES v2 stand-in: the notification mails)
  SMS        ${info.smsEndpoint}       (texts: ${info.smsLog})
  Property   ${info.propertyId}  (Demo Tower; admin, staff, resident in unit 4B)
  Console    ${info.consoleUrl}/       (the Lobby Console: sign in as a demo user at ${info.hostedLoginUrl}, the local managed login)
  Details    ${localJson}  (URLs, ids and tokens for operator/admin/staff/resident)
  CORS       ${allowedOrigins.length ? allowedOrigins.join(', ') : 'off (--cors-origin URL, or lobby:corsOrigins in cdk.json)'}
  Logs       ${readable ? 'one line per request (--json-logs for the functions’ JSON)' : 'the functions’ Powertools JSON'}

Try (in another terminal, in this folder):
  TOKEN=$(node -p "require('${localJson}').tokens.admin")
  curl -s -H "authorization: Bearer $TOKEN" ${info.apiUrl}/properties/${info.propertyId}
  curl -s -X POST -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
       -d '{"description":"USPS","pin":"480213"}' ${info.apiUrl}/properties/${info.propertyId}/delivery-pins
  ${env}npm run -s panel -- enter 480213          # the demo panel at the keypad
  ${env}npm run -s panel                          # the interactive panel simulator
  ${env}npm run -s token -- --user someone        # a token for any user id (--operator for an operator)
  ${env}npm run -s phone -- list                  # the phone calls the stack made (press 9 | press 5 | hangup)
  ${env}npm run -s resident -- calls              # ringing calls, as the demo resident
  Every command takes --help.
`);
} else {
  process.stdout.write(`lobby: local stack ready in ${seconds}s\n`);
}

/** A `lobby:*` value from cdk.json's context (the file CDK reads; `-c` does not reach npm start). */
function cdkContext(key: string): unknown {
  try {
    return (JSON.parse(readFileSync(join(resolve(import.meta.dirname, '..'), 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> }).context?.[key];
  } catch {
    return undefined;
  }
}
