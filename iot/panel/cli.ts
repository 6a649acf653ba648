import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { PanelAgent, type EntryResult } from './agent.ts';
import { defaultStateDir, identityPath, loadIdentity, lobbyHome } from './identity.ts';
import { errorText, stderrLogger } from './log.ts';

/**
 * The panel simulator.
 *
 *   npm run panel                                  interactive, first panel of <LOBBY_HOME>/local.json
 *   npm run -s panel -- --panel <id> enter <code>  one shot: one JSON line on stdout
 *   echo <code> | npm run -s panel -- enter -      the same, the code read from stdin
 *
 * `-s` keeps npm's own banner (which echoes the command line, code included) off stdout.
 *
 * Options: --home <dir> (default LOBBY_HOME or .lobby), --panel <id>, --identity <file>
 * (default <home>/panels/<id>/identity.json), --state <dir> (default <home>/panels/<id>/state),
 * --timeout <ms> for the one-shot delivery (default 30000).
 * Logs go to stderr (PANEL_LOG_LEVEL=debug|info|warn|error); codes and keys are never logged.
 */
const USAGE = `usage: npm run -s panel -- [--home DIR] [--panel ID] [--identity FILE] [--state DIR] [--timeout MS] [enter CODE|- | scan TOKEN|- | status]
interactive commands: enter <code> | scan <qr> | offline | online | status | sync | help | quit`;

const HELP = `  enter <code>   type a code on the keypad
  scan <qr>      present a visitor QR token (verified offline with the property's keys)
  offline        drop the connection (decisions continue from the saved set, events queue up)
  online         reconnect (sync first, then the queued events go out)
  status         credential set version/digest, connection, outbox, keypad lock
  sync           ask the cloud for the current credential set now
  help           this list
  quit           disconnect and exit`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: {
      home: { type: 'string' },
      panel: { type: 'string' },
      identity: { type: 'string' },
      state: { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) {
    process.stderr.write(`${USAGE}\n${HELP}\n`);
    return 0;
  }
  const home = lobbyHome(values.home);
  const identity = await loadIdentity(values.identity ?? identityPath(values.panel ?? (await firstPanel(home)), home));
  const stateDir = values.state ?? defaultStateDir(identity.panelId, home);
  const log = stderrLogger(`panel ${identity.panelId}`);
  const agent = new PanelAgent({
    identity,
    stateDir,
    config: { log },
    onDoorRelease: (release) => log.info('DOOR RELEASED', { method: release.method, eventId: release.eventId }),
  });

  const [command, ...args] = positionals;
  if (command === undefined) return interactive(agent);
  if (!['enter', 'scan', 'status'].includes(command)) throw new UsageError(`unknown command '${command}'`);

  await agent.start();
  try {
    switch (command) {
      case 'enter':
      case 'scan': {
        if (args.length !== 1 || !args[0]) throw new UsageError(`${command} needs exactly one argument`);
        // '-' reads the code from stdin, so it shows up neither in the process list nor in npm's echo of the command.
        const code = args[0] === '-' ? await readStdinLine() : args[0];
        if (!code) throw new UsageError(`${command} -: no code on stdin`);
        if (!agent.connected) throw new Error(`cannot reach IoT Core at ${identity.mqttUrl}`);
        const result = command === 'enter' ? await agent.enter(code) : await agent.scan(code);
        const timeoutMs = Number(values.timeout ?? 30_000);
        let delivered = true;
        try {
          await agent.drain(timeoutMs);
        } catch (error) {
          delivered = false;
          log.error('access event not delivered (it stays queued and goes out with the next connection)', { error: errorText(error) });
        }
        process.stdout.write(`${JSON.stringify(oneLine(result))}\n`);
        return delivered ? 0 : 3;
      }
      case 'status':
        process.stdout.write(`${JSON.stringify(agent.status())}\n`);
        return 0;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } finally {
    await agent.stop();
  }
}

/** Exactly what the one-shot promises on stdout. */
function oneLine(result: EntryResult) {
  return { decision: result.decision, method: result.method, ...(result.reason !== undefined && { reason: result.reason }), eventId: result.eventId };
}

async function interactive(agent: PanelAgent): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`panel ${agent.identity.panelId} (${agent.identity.kind}) at ${agent.identity.mqttUrl}: connecting...`);
  await agent.start();
  const s = agent.status();
  out(`${agent.connected ? 'online' : 'OFFLINE'}; credential set v${s.version} (${s.entries} entries). Type 'help'.`);
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: 'panel> ' });
  const notice = (line: string) => {
    out(`\n${line}`);
    rl.prompt(true);
  };
  agent.on('ack', (ack) => notice(`remote unlock ${ack.commandId}: ${ack.status}`));
  agent.on('synced', (sync) => notice(`credential set v${sync.version} (${sync.kind}, ${sync.entries} entries)`));

  let closing = false;
  const finish = async () => {
    if (closing) return;
    closing = true;
    rl.close();
    out('disconnecting...');
    await agent.stop();
  };
  rl.on('SIGINT', () => void finish().then(() => process.exit(0)));

  rl.prompt();
  for await (const line of rl) {
    const [command, ...args] = line.trim().split(/\s+/).filter(Boolean);
    try {
      switch (command) {
        case undefined:
          break;
        case 'enter':
        case 'scan': {
          const [arg] = args;
          if (args.length !== 1 || arg === undefined) {
            out(`${command} needs exactly one argument`);
            break;
          }
          const result = command === 'enter' ? await agent.enter(arg) : await agent.scan(arg);
          const detail = result.decision === 'granted' ? 'DOOR OPEN' : `denied: ${result.reason}`;
          out(`${detail}  ${JSON.stringify(oneLine(result))}${result.offline ? '  (decided offline)' : ''}`);
          break;
        }
        case 'offline':
          await agent.disconnect();
          out('offline: deciding from the saved set; events are queued');
          break;
        case 'online':
          try {
            await agent.reconnect();
            out(`online; credential set v${agent.status().version}; ${agent.status().outbox} queued item(s) going out`);
          } catch (error) {
            out(`still offline (${errorText(error)}); retrying in the background`);
          }
          break;
        case 'status':
          out(JSON.stringify(agent.status(), null, 2));
          break;
        case 'sync':
          await agent.sync();
          out(`credential set v${agent.status().version}`);
          break;
        case 'help':
          out(HELP);
          break;
        case 'quit':
        case 'exit':
          await finish();
          return 0;
        default:
          out(`unknown command '${command}' (try 'help')`);
      }
    } catch (error) {
      out(`error: ${errorText(error)}`);
    }
    if (!closing) rl.prompt();
  }
  await finish();
  return 0;
}

class UsageError extends Error {}

async function readStdinLine(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += chunk;
    if (text.includes('\n')) break;
  }
  return (text.split('\n')[0] ?? '').trim();
}

async function firstPanel(home: string): Promise<string> {
  const file = `${home}/local.json`;
  let local: { panels?: Array<{ id: string; kind?: string }> };
  try {
    local = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    throw new UsageError(`no ${file}: start the local stack (npm start) or pass --panel/--identity`);
  }
  const panel = local.panels?.[0];
  if (!panel) throw new UsageError(`no panels in ${file}: create one (POST /properties/{id}/panels) or pass --panel`);
  return panel.id;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`panel: ${errorText(error)}\n`);
    if (error instanceof UsageError) process.stderr.write(`${USAGE}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
