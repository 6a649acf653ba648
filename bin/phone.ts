/**
 * `npm run phone -- press 9 | press 5 | answer | hangup | list [--call <transactionId>] [--home DIR]`: plays the
 * resident's phone in the local PSTN simulator (local/pstn). `press` answers the newest ringing phone
 * call (or --call) and sends the keys; the SIP media application's Lambda decides what happens.
 * Prints one JSON document: the call's state, what the callee heard, the events the Lambda got.
 */
import { parseCommandLine, usageExit } from '../iot/panel/cli-input.ts';
import { lobbyHome, runningStack } from '../local/paths.ts';

const USAGE = `usage: npm run -s phone -- press <digits> | answer | hangup | list [--call <transactionId>] [--home DIR]
  Plays the callee's phone in the local stack's PSTN stand-in: press answers the newest ringing call (or --call) and sends the keys.`;
const { values, positionals } = parseCommandLine('phone', USAGE, { allowPositionals: true, options: { call: { type: 'string' }, home: { type: 'string' } } });
const [verb, digits] = positionals;

async function main(): Promise<number> {
  if (!(verb === 'press' && digits) && verb !== 'answer' && verb !== 'hangup' && verb !== 'list') {
    usageExit('phone', USAGE, verb === undefined ? 'say what to do' : verb === 'press' ? 'press needs the digits' : `unknown command '${verb}'`);
  }
  const running = await runningStack<{ pstnEndpoint?: string; pid?: number }>(lobbyHome(values.home));
  if ('problem' in running || !running.info.pstnEndpoint) {
    process.stderr.write(`phone: ${'problem' in running ? running.problem : 'the local stack has no PSTN stand-in (pstnEndpoint)'}\n`);
    return 2;
  }
  const { info } = running;
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
