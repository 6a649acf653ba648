import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { intFlag, parseCommandLine } from '../../iot/panel/cli-input.ts';
import { call } from '../support/api.ts';

/**
 * The first hour with the command lines (issue 12): every CLI has --help (usage on stdout, exit 0);
 * a bad flag or a missing value is one sentence and the usage on stderr, exit 2, never a stack
 * trace; `npm run token` refuses (exit 2, no keys made) unless the stack it would sign for is
 * running, and finds that stack through --home or LOBBY_HOME. Spawned (tsx, 1-2 s each) only where
 * the real entry point matters; the shared parser's other answers are checked in this process.
 */
const CLIS = {
  start: 'local/start.ts',
  token: 'local/token.ts',
  panel: 'iot/panel/cli.ts',
  resident: 'local/resident/cli.ts',
  phone: 'bin/phone.ts',
  smoke: 'bin/smoke.ts',
  redrive: 'bin/redrive.ts',
  bench: 'bench/run.ts',
  webhooks: 'bin/webhooks.ts',
} as const;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A few at a time: the machine is shared. */
async function runAll<T>(jobs: Array<() => Promise<T>>, width = 3): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await jobs[i]!();
      }
    }),
  );
  return results;
}

const STACK_TRACE = /^\s+at .+\(.+:\d+:\d+\)$|^\s+at file:/m;

let bads: Run[] = [];
let startHelp: Run;
const names = Object.keys(CLIS) as Array<keyof typeof CLIS>;
beforeAll(async () => {
  // One process per CLI, with a flag none has: the exact sentence below comes only from parseCommandLine,
  // so each CLI parses through it (and so has its --help, checked once for real with start and in-process below).
  const results = await runAll([...names.map((n) => () => run(CLIS[n], ['--no-such-flag'])), () => run(CLIS.start, ['--help'])]);
  bads = results.slice(0, names.length);
  startHelp = results.at(-1)!;
}, 240_000);

class Exit extends Error {
  constructor(readonly code: number | undefined) {
    super(`exit ${code}`);
  }
}

/** parseCommandLine in this process: what it writes and the exit code it asks for. */
function parseInProcess(args: string[], help?: string) {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const exit = vi.spyOn(process, 'exit').mockImplementation((code) => {
    throw new Exit(code as number | undefined);
  });
  try {
    parseCommandLine('demo', 'usage: npm run -s demo -- [--n N]', { options: { n: { type: 'string' } }, args, help });
    return { code: undefined, stdout, stderr };
  } catch (error) {
    if (!(error instanceof Exit)) throw error;
    return { code: error.code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    exit.mockRestore();
  }
}

describe('every CLI', () => {
  it('--help: the usage on stdout, exit 0 (npm start for real; the shared parser for all)', () => {
    expect(startHelp.code, startHelp.stderr).toBe(0);
    expect(startHelp.stdout).toMatch(/^usage: npm start /);
    expect(parseInProcess(['--help'])).toEqual({ code: 0, stdout: 'usage: npm run -s demo -- [--n N]\n', stderr: '' });
    expect(parseInProcess(['-h'], 'usage: ...\nmore help').stdout).toBe('usage: ...\nmore help\n');
  });

  it.each(names.map((n, i) => [n, i] as const))('%s --no-such-flag: one sentence and the usage on stderr, exit 2, no stack trace', (name, i) => {
    const r = bads[i]!;
    expect(r.code).toBe(2);
    const [first, second] = r.stderr.split('\n');
    expect(first).toBe(`${name}: unknown option --no-such-flag`);
    expect(second).toMatch(/^usage: /);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(r.stdout).toBe('');
  });

  it('a flag without its value, or a bad number: one sentence and the usage, exit 2', () => {
    expect(parseInProcess(['--n'])).toEqual({ code: 2, stdout: '', stderr: 'demo: --n needs a value\nusage: npm run -s demo -- [--n N]\n' });
    expect(parseInProcess(['--help=yes']).stderr.split('\n')[0]).toBe('demo: --help takes no value');
    expect(parseInProcess(['extra']).stderr.split('\n')[0]).toBe("demo: unexpected argument 'extra'");
    const exit = vi.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Exit(code as number | undefined);
    });
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() => intFlag('panel', 'usage', 'timeout', 'soon', 1)).toThrow(new Exit(2));
      expect(err.mock.calls[0]?.[0]).toBe("panel: --timeout must be a whole number of at least 1, got 'soon'\nusage\n");
      expect(intFlag('panel', 'usage', 'timeout', '250', 1)).toBe(250);
    } finally {
      exit.mockRestore();
      err.mockRestore();
    }
  });
});

describe('npm run token', () => {
  let empty = '';
  let stale = '';
  beforeAll(async () => {
    empty = await mkdtemp(join(tmpdir(), 'lobby-token-none-'));
    stale = await mkdtemp(join(tmpdir(), 'lobby-token-stale-'));
    // A local.json left by a stack that is gone (a pid no process has).
    await writeFile(join(stale, 'local.json'), JSON.stringify({ ...inject('stack'), pid: 2 ** 22 + 12345 }));
  });
  afterAll(async () => {
    await rm(empty, { recursive: true, force: true });
    await rm(stale, { recursive: true, force: true });
  });

  it('refuses without a running stack: one sentence, exit 2, no keys made', async () => {
    const [none, gone] = await runAll([() => run(CLIS.token, ['--user', 'someone', '--home', empty]), () => run(CLIS.token, ['--user', 'someone'], { LOBBY_HOME: stale })], 2);
    expect(none!.code).toBe(2);
    expect(none!.stdout).toBe('');
    expect(none!.stderr).toMatch(/^token: no local stack in .+ start one with 'npm start'.+; no token made\n$/);
    expect(existsSync(join(empty, 'keys'))).toBe(false);
    expect(gone!.code).toBe(2);
    expect(gone!.stderr).toMatch(/^token: the local stack in .+ is not running .+\n$/);
    expect(existsSync(join(stale, 'keys'))).toBe(false);
  }, 60_000);

  it("finds the running stack through LOBBY_HOME: the token is alone on stdout and the stack's API takes it", async () => {
    const r = await run(CLIS.token, ['--user', 'first-hour-user'], { LOBBY_HOME: inject('testHome') });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const reply = await call('GET', '/properties', { token: r.stdout.trim() });
    expect(reply.status).toBe(200);
  }, 60_000);
});
