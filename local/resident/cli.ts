/**
 * `npm run -s resident -- accept <callId> [--seconds N] [--say TEXT] [--open-door]`
 * `npm run -s resident -- calls`
 *
 * The reference resident client against the local stack (`npm start`): as the demo resident
 * (or `--token`), lists the property's ringing calls, or accepts one and joins its WebRTC
 * session as VIEWER through the KVS signaling stand-in, printing one JSON line per event
 * ({"accepted":...}, {"media":"open"}, {"panel":"<text>"}, {"door":...}, {"media":"closed"}).
 * Everything stays on 127.0.0.1 (loopback host candidates; the local CA for WSS).
 */
import { readFile } from 'node:fs/promises';
import { intFlag, parseCommandLine, usageExit } from '../../iot/panel/cli-input.ts';
import { lobbyHome, runningStack } from '../paths.ts';
import type { LocalStackInfo } from '../stack.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = `usage: npm run -s resident -- accept <callId> [--seconds N] [--say TEXT] [--open-door] | calls   [--home DIR] [--token JWT] [--property ID]
  calls    the property's ringing calls (JSON)
  accept   accept a call as the demo resident (or --token) and join its media; one JSON line per event`;
const { values, positionals } = parseCommandLine('resident', USAGE, {
  allowPositionals: true,
  options: {
    home: { type: 'string' },
    token: { type: 'string' },
    property: { type: 'string' },
    seconds: { type: 'string', default: '10' },
    say: { type: 'string', default: 'hello from the resident' },
    'open-door': { type: 'boolean', default: false },
  },
});
const seconds = intFlag('resident', USAGE, 'seconds', values.seconds, 1) ?? 10;
const out = (line: unknown) => process.stdout.write(`${JSON.stringify(line)}\n`);
const fail = (message: string): never => {
  process.stderr.write(`resident: ${message}\n`);
  process.exit(1);
};

const home = lobbyHome(values.home);
const running = await runningStack<LocalStackInfo>(home);
if ('problem' in running) {
  process.stderr.write(`resident: ${running.problem}\n`);
  process.exit(2);
}
const { info } = running as { info: LocalStackInfo };
const api = { url: info.apiUrl, token: values.token ?? info.tokens.resident };
const propertyId = values.property ?? info.propertyId;
const [verb, callId] = positionals;

if (verb === 'calls') {
  const res = await fetch(`${api.url}/properties/${propertyId}/calls?status=ringing`, { headers: { authorization: `Bearer ${api.token}` } });
  out(await res.json());
  process.exit(res.ok ? 0 : 1);
}
if (verb !== 'accept' || !callId) usageExit('resident', USAGE, verb === undefined ? 'say what to do' : verb === 'accept' ? 'accept needs a call id' : `unknown command '${verb}'`);

// WebRTC (werift) is loaded only for a call: --help and `calls` answer without it.
const { acceptCall, joinAsViewer } = await import('./client.ts');
const accepted = await acceptCall(api, propertyId, callId ?? '');
if (accepted.status !== 200 || !accepted.body.media) fail(`accept refused: ${accepted.status} ${JSON.stringify(accepted.body)}`);
out({ accepted: callId, expiresAt: accepted.body.media?.expiresAt });
const ca = await readFile(info.localCaFile, 'utf8');
const resident = await joinAsViewer(accepted.body.media ?? fail('no media'), { ca, loopbackOnly: true });
resident.on('message', (text: string) => out({ panel: text }));
resident.on('error', (error: Error) => out({ error: error.message }));
// The panel answers the offer once it has joined as MASTER; a panel that never does leaves the call without media.
const opened = await Promise.race([resident.opened.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), seconds * 1000))]);
if (!opened) {
  out({ media: 'no answer from the panel' });
  await resident.close();
  process.exit(1);
}
out({ media: 'open' });
resident.send(values.say);
if (values['open-door']) {
  const res = await fetch(`${api.url}/properties/${propertyId}/calls/${encodeURIComponent(callId ?? '')}/open-door`, {
    method: 'POST',
    headers: { authorization: `Bearer ${api.token}` },
  });
  out({ door: res.status, ...((await res.json().catch(() => ({}))) as Record<string, unknown>) });
}
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
await resident.close();
out({ media: 'closed' });
process.exit(0);
