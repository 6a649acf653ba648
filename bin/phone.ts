/**
 * `npm run phone -- press 9 | press 5 | answer | hangup | list [--call <transactionId>] [--home DIR]`: plays the
 * resident's phone in the local PSTN simulator (local/pstn). `press` answers the newest ringing phone
 * call (or --call) and sends the keys; the SIP media application's Lambda decides what happens.
 * Prints one JSON document: the call's state, what the callee heard, the events the Lambda got.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { layout, lobbyHome } from '../local/paths.ts';

const usage = 'usage: npm run phone -- press <digits> | answer | hangup | list [--call <transactionId>] [--home DIR]\n';
const { values, positionals } = parseArgs({ allowPositionals: true, options: { call: { type: 'string' }, home: { type: 'string' } } });
const [verb, digits] = positionals;

async function main(): Promise<number> {
  if (!(verb === 'press' && digits) && verb !== 'answer' && verb !== 'hangup' && verb !== 'list') {
    process.stderr.write(usage);
    return 2;
  }
  const localJson = layout(lobbyHome(values.home)).localJson;
  const info = JSON.parse(await readFile(localJson, 'utf8').catch(() => '{}')) as { pstnEndpoint?: string };
  if (!info.pstnEndpoint) {
    process.stderr.write(`phone: no local stack found (${localJson} has no pstnEndpoint); start it with npm start\n`);
    return 1;
  }
  const url = `${info.pstnEndpoint}/_lobby/phone`;
  const res =
    verb === 'list'
      ? await fetch(url)
      : await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: verb, digits, transactionId: values.call }) });
  const body = (await res.json()) as { Message?: string };
  if (!res.ok) {
    process.stderr.write(`phone: ${body.Message ?? res.statusText}\n`);
    return 1;
  }
  process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  process.stderr.write(`phone: ${(error as Error).message} (is npm start running?)\n`);
  process.exitCode = 1;
}
