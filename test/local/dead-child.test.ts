import { readdirSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { freePortBase, startStackProcess, type StackProcess } from '../support/stack-process.ts';

/** The pids of a process's direct children with this command name, from /proc. */
function childrenNamed(parentPid: number, comm: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parentPid && name === comm) found.push(Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  return found;
}

let stack: StackProcess | undefined;
let home = '';
afterAll(async () => {
  await stack?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

describe('the local stack watches its children', () => {
  it('says which child died and with what exit code, and exits non-zero', async () => {
    const portBase = await freePortBase();
    home = resolve('.lobby-test', `dead-child-${portBase}`);
    stack = await startStackProcess({ home, portBase, logFile: resolve(home, 'logs', 'stack.log') });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => stack!.child.once('exit', (code, signal) => done({ code, signal })));
    const [java] = childrenNamed(stack.child.pid!, 'java');
    expect(java, 'DynamoDB Local runs as a java child of the stack').toBeTypeOf('number');

    process.kill(java!, 'SIGKILL');
    const { code } = await exited;
    expect(code).toBe(1);
    const log = await readFile(stack.logFile, 'utf8');
    const lines = log.split('\n').filter((line) => line.startsWith('lobby: DynamoDB Local'));
    expect(lines).toEqual([`lobby: DynamoDB Local (java, pid ${java}) died: exit code none (signal SIGKILL); stopping the local stack`]);
  });

  it('an ordinary stop is not reported as a death (control)', async () => {
    const portBase = await freePortBase();
    const controlHome = resolve('.lobby-test', `dead-child-control-${portBase}`);
    const control = await startStackProcess({ home: controlHome, portBase, logFile: resolve(controlHome, 'logs', 'stack.log') });
    try {
      const exited = new Promise<number | null>((done) => control.child.once('exit', (code) => done(code)));
      await control.stop();
      expect(await exited).toBe(0);
      await eventually(async () => (await readFile(control.logFile, 'utf8')).includes('stopping...'));
      expect(await readFile(control.logFile, 'utf8')).not.toMatch(/died/);
    } finally {
      await rm(controlHome, { recursive: true, force: true });
    }
  });
});
