import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { PanelAgent, type EntryResult } from './agent.ts';
import type { CallUpdate, DoorRelease } from './agent-types.ts';
import type { MediaSessionMessage } from '../protocol/messages.ts';
import { defaultStateDir, identityPath, loadIdentity, lobbyHome } from './identity.ts';
import { errorText, stderrLogger } from './log.ts';
import { intFlag, parseCommandLine, readStdinLine, UsageError } from './cli-input.ts';
import { packageRoomOnce } from './package-room-cli.ts';
import { PackageRoomScreens } from './package-room-screens.ts';

/**
 * The panel simulator.
 *
 *   npm run panel                                  interactive, first panel of <LOBBY_HOME>/local.json
 *   npm run -s panel -- --panel <id> enter <code>  one shot: one JSON line on stdout
 *   echo <code> | npm run -s panel -- enter -      the same, the code read from stdin
 *   npm run -s panel -- directory <query>          directory matches, one JSON line each (offline: the saved copy)
 *   npm run -s panel -- call <unit|targetId> [--wait S]   one JSON line per call state; exit 0 when the call is over, 3 if --wait ran out or the door's event is still queued
 *
 * A package-room panel (kind package-room):
 *   npm run -s panel -- --panel <id> deliver --code <c|-> --unit <u> --count <n> [--unit <u> --count <n> ...]
 *       -> {"decision":"granted","deliveryIds":[<eventId>],"recipients":[{"unit":"4B","count":3}]}
 *   npm run -s panel -- --panel <id> pickup --unit <u> --pin <p|->
 *       -> {"decision":"granted","packages":<n>,"eventId":...}
 *   Denied: {"decision":"denied","reason":...} and exit 1 (a recipient the panel's directory does not
 *   have is refused before the code is tried: nothing is recorded). `deliveryIds` are the access
 *   event's id: the cloud writes the packages with that event (their `deliveryEventId`) and does not
 *   answer a panel's events, so that is the id the panel can honestly give, offline too. `packages` is
 *   what this panel delivered to the unit since its last pickup here (package-room.ts); the cloud's
 *   list (GET .../packages?unit=) also has front-desk packages. Both decide offline from the saved
 *   set; the event then stays queued (`"offline":true`, exit 3) and goes out with the next connection.
 *
 * `-s` keeps npm's own banner (which echoes the command line, code included) off stdout.
 *
 * Options: --home <dir> (default LOBBY_HOME or .lobby), --panel <id>, --identity <file>
 * (default <home>/panels/<id>/identity.json), --state <dir> (default <home>/panels/<id>/state),
 * --timeout <ms> for the one-shot event delivery (default 30000).
 * Logs go to stderr (PANEL_LOG_LEVEL=debug|info|warn|error); codes and keys are never logged.
 */
const USAGE = `usage: npm run -s panel -- [--home DIR] [--panel ID] [--identity FILE] [--state DIR] [--timeout MS] [enter CODE|- | scan TOKEN|- | status | directory QUERY | call UNIT|TARGETID [--wait S]
       | deliver --code CODE|- --unit UNIT --count N [--unit UNIT --count N ...] | pickup --unit UNIT --pin PIN|-]
interactive commands: enter <code> | scan <qr> | directory <query> | call <unit|targetId> | hangup | delivery | resident | offline | online | status | sync | help | quit`;

const HELP = `  enter <code>   type a code on the keypad
  scan <qr>      present a visitor QR token (verified offline with the property's keys)
  directory <q>  search the directory by name or unit (offline: the saved copy)
  call <unit|id> ring a unit or a directory target; its states show as they come
  hangup         end the call in progress
  delivery       package room: delivery PIN or pass -> recipients by name or unit -> counts -> Finish
  resident       package room: unit -> door PIN (pickup)
  offline        drop the connection (decisions continue from the saved set, events queue up)
  online         reconnect (sync first, then the queued events go out)
  status         credential set version/digest, connection, outbox, keypad lock
  sync           ask the cloud for the current credential set now
  help           this list
  quit           disconnect and exit`;

async function main(): Promise<number> {
  const { values, positionals } = parseCommandLine('panel', USAGE, {
    options: {
      home: { type: 'string' },
      panel: { type: 'string' },
      identity: { type: 'string' },
      state: { type: 'string' },
      timeout: { type: 'string' },
      wait: { type: 'string' },
      code: { type: 'string' },
      unit: { type: 'string', multiple: true },
      count: { type: 'string', multiple: true },
      pin: { type: 'string' },
    },
    allowPositionals: true,
    help: `${USAGE}\n${HELP}`,
  });
  const timeoutMs = intFlag('panel', USAGE, 'timeout', values.timeout, 1) ?? 30_000;
  const waitSeconds = intFlag('panel', USAGE, 'wait', values.wait, 1) ?? 120;
  const home = lobbyHome(values.home);
  const identity = await loadIdentity(values.identity ?? identityPath(values.panel ?? (await firstPanel(home)), home));
  const stateDir = values.state ?? defaultStateDir(identity.panelId, home);
  const log = stderrLogger(`panel ${identity.panelId}`);
  const agent = new PanelAgent({
    identity,
    stateDir,
    config: { log },
    onDoorRelease: (release) => log.info('DOOR RELEASED', { method: release.method, eventId: release.eventId }),
    joinMedia: (session) => joinMedia(session, identity),
  });

  const [command, ...args] = positionals;
  if (command === undefined) return interactive(agent);
  if (!['enter', 'scan', 'status', 'directory', 'call', 'deliver', 'pickup'].includes(command)) throw new UsageError(`unknown command '${command}'`);

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
      case 'deliver':
      case 'pickup':
        return await packageRoomOnce(agent, command, values, timeoutMs, log);
      case 'status':
        process.stdout.write(`${JSON.stringify(agent.status())}\n`);
        return 0;
      case 'directory': {
        const synced = await agent.syncDirectory();
        if (synced.offline) log.warn('offline: the saved directory', { version: synced.version });
        for (const entry of agent.searchDirectory(args.join(' '))) process.stdout.write(`${JSON.stringify(entry)}\n`);
        return 0;
      }
      case 'call': {
        if (args.length !== 1 || !args[0]) throw new UsageError('call needs exactly one unit or target id');
        if (!agent.connected) throw new Error(`cannot reach IoT Core at ${identity.mqttUrl}: calls need the network`);
        return await callOnce(agent, args[0], waitSeconds * 1000, log);
      }
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } finally {
    await agent.stop();
  }
}

/** A directory target id (a resident id, or stf_<opaque> for staff); anything else is a unit as typed. */
const callTarget = (arg: string) => (/^(res_|stf_|staff:)/.test(arg) ? { targetId: arg } : { unit: arg });

/** The call's media on this machine: H3's WebRTC master (werift), loaded only when a call starts. */
async function joinMedia(session: MediaSessionMessage, identity: { mqttUrl: string; caPem?: string }) {
  const { joinCallMedia } = await import('./call-media.ts');
  const loopback = /^mqtts?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(identity.mqttUrl);
  return joinCallMedia(session, { ca: identity.caPem, loopbackOnly: loopback });
}

/**
 * One call, one JSON line per state change; exits 0 once the call is over (and, when the door
 * was opened, once the panel has released it and sent the event), 3 if --wait ran out (it hangs up)
 * or the door's event could not be sent.
 */
async function callOnce(agent: PanelAgent, arg: string, waitMs: number, log: ReturnType<typeof stderrLogger>): Promise<number> {
  const print = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);
  let doorFor: string | undefined;
  let doorSeen = false;
  let over: CallUpdate | undefined;
  let finish: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => (finish = resolve));
  const settleIfDone = () => {
    if (over && (!doorFor || doorSeen)) finish(0);
  };
  agent.on('call', (update) => {
    print({ call: update.status, callId: update.callId });
    if (update.doorOpened && update.commandId) doorFor = update.commandId;
    if (['declined', 'missed', 'ended'].includes(update.status)) over = update;
    settleIfDone();
  });
  agent.on('door', (release: DoorRelease) => {
    if (release.method !== 'call') return;
    print({ door: 'granted', eventId: release.eventId });
    doorSeen = true;
    doorFor ??= release.commandId;
    settleIfDone();
  });
  const { callId } = await agent.call(callTarget(arg));
  const timer = setTimeout(() => finish(3), waitMs);
  const code = await done;
  clearTimeout(timer);
  if (code === 3) await agent.hangUp(callId).catch(() => {});
  // The door's access event (with its photo) goes out before the panel process exits; if it
  // cannot, it stays queued for the next connection and the exit code says so (3, as `enter`).
  try {
    await agent.drain(30_000);
  } catch (error) {
    log.error('access event not delivered (it stays queued and goes out with the next connection)', { error: errorText(error) });
    return 3;
  }
  return code;
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
  let callId: string | undefined;
  agent.on('call', (update) => {
    notice(`call ${update.callId}: ${update.status.toUpperCase()}${update.doorOpened ? ' (door opening)' : ''}`);
    if (['declined', 'missed', 'ended'].includes(update.status) && update.callId === callId) callId = undefined;
  });
  agent.on('door', (release) => {
    if (release.method === 'call') notice(`DOOR OPEN for the call  ${JSON.stringify({ door: 'granted', eventId: release.eventId })}`);
  });

  const screens = new PackageRoomScreens(agent, out);
  const packageRoom = agent.identity.kind === 'package-room';
  if (packageRoom) out("Package room: 'delivery', 'resident', or 'directory <name or unit>' then 'call'.");

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
    if (screens.active) {
      await screens.input(line);
      rl.setPrompt(screens.prompt);
      rl.prompt();
      continue;
    }
    const [command, ...args] = line.trim().split(/\s+/).filter(Boolean);
    try {
      switch (command) {
        case 'delivery':
        case 'resident':
          if (!packageRoom) {
            out(`'${command}' is a package-room screen; this panel is ${agent.identity.kind}`);
            break;
          }
          if (command === 'delivery') await screens.delivery();
          else screens.resident();
          break;
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
        case 'directory': {
          const synced = await agent.syncDirectory();
          const matches = agent.searchDirectory(args.join(' '));
          out(`${matches.length} match(es)${synced.offline ? ' (offline: the saved directory)' : ''}`);
          for (const entry of matches) out(`  ${entry.unit ?? '-'}  ${entry.name}  [${entry.targetId}]`);
          break;
        }
        case 'call': {
          const [arg] = args;
          if (args.length !== 1 || arg === undefined) {
            out('call needs exactly one unit or target id');
            break;
          }
          callId = (await agent.call(callTarget(arg))).callId;
          out(`calling... (${callId}; 'hangup' to stop)`);
          break;
        }
        case 'hangup':
          if (callId) await agent.hangUp(callId);
          else out('no call in progress');
          break;
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
    if (!closing) {
      rl.setPrompt(screens.prompt);
      rl.prompt();
    }
  }
  await finish();
  return 0;
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
