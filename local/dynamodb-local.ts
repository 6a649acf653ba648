/**
 * DynamoDB Local (AWS's official emulator), fetched on first use and bound to one host
 * address (127.0.0.1 by default).
 *
 * The emulator comes from the npm package amplify-dynamodb-simulator (it ships DynamoDB
 * Local 1.25.1 in package/emulator); only that folder is extracted, into
 * <repo>/.emulators/dynamodb-local/. The stock jar binds all interfaces, so it is started
 * through local/dynamodb/LocalhostLauncher.java, compiled once into that folder.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { delimiter, join, relative, resolve } from 'node:path';
import { isPortFree } from './listen.ts';

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

const PACKAGE = 'amplify-dynamodb-simulator@2.9.30';
/** dist.integrity of that version on the npm registry (checked by npm, and again here). */
const PACKAGE_INTEGRITY = 'sha512-xTeeRLvzEfqyd5lh3bH4c0kHvSHHmmhD5ZDsHFKAQ5g2Zl6JqlFdutaQhCLHzxEp6Ry1o7TB6niIoXuQAnSewQ==';
const MARKER = '.installed-from';
const LAUNCHER_SOURCE = join(import.meta.dirname, 'dynamodb', 'LocalhostLauncher.java');
const REPO_ROOT = resolve(import.meta.dirname, '..');
const EMULATORS_DIR = join(REPO_ROOT, '.emulators');
const EMULATOR_DIR = join(EMULATORS_DIR, 'dynamodb-local');
const JAVA_REQUIRED = 'Java 17+ is required: apt-get install -y openjdk-17-jdk-headless';
const START_TIMEOUT_MS = 30_000;

// Loaded lazily through require: a static import costs ~5 s inside a vitest globalSetup.
const require = createRequire(import.meta.url);

function run(file: string, args: string[], cwd?: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    execFile(file, args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        reject(
          code === 'ENOENT' ? Object.assign(new Error(`${file}: command not found`), { code }) : new Error(`${file} ${args.join(' ')} failed: ${stderr.trim() || error.message}`),
        );
      } else {
        resolvePromise({ stdout, stderr });
      }
    });
  });
}

function javaTool(name: 'java' | 'javac'): string {
  const home = process.env.JAVA_HOME;
  return home && existsSync(join(home, 'bin', name)) ? join(home, 'bin', name) : name;
}

async function sha512(file: string): Promise<string> {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return `sha512-${hash.digest('base64')}`;
}

function installedFrom(dir: string): string | undefined {
  try {
    return readFileSync(join(dir, MARKER), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Downloads and extracts the emulator unless present; safe when several processes race. Returns its folder. */
export async function ensureDynamoDbLocalInstalled(progress: Progress = stderrProgress): Promise<string> {
  if (installedFrom(EMULATOR_DIR) === PACKAGE) return EMULATOR_DIR;
  await mkdir(EMULATORS_DIR, { recursive: true });
  const tmp = await mkdtemp(join(EMULATORS_DIR, '.tmp-dynamodb-local-'));
  try {
    progress(`downloading DynamoDB Local (npm ${PACKAGE}, 57 MB) into ${relative(process.cwd(), EMULATOR_DIR) || '.'}`);
    const tgz = await downloadWithProgress(tmp, progress);
    if ((await sha512(tgz)) !== PACKAGE_INTEGRITY) throw new Error(`${PACKAGE}: downloaded tarball does not match the pinned integrity`);
    await run('tar', ['-xzf', tgz, '-C', tmp, 'package/emulator']);
    const extracted = join(tmp, 'package', 'emulator');
    for (const needed of ['DynamoDBLocal.jar', 'DynamoDBLocal_lib/sqlite4java.jar']) {
      if (!existsSync(join(extracted, needed))) throw new Error(`${PACKAGE}: ${needed} missing from the package`);
    }
    await writeFile(join(extracted, MARKER), `${PACKAGE}\n`);
    if (existsSync(EMULATOR_DIR) && installedFrom(EMULATOR_DIR) !== PACKAGE) {
      // An older version: move it aside (a running emulator keeps its open files).
      await rename(EMULATOR_DIR, join(tmp, 'old')).catch(() => undefined);
    }
    try {
      await rename(extracted, EMULATOR_DIR);
    } catch (error) {
      // Another process finished first: use its copy.
      const code = (error as NodeJS.ErrnoException).code;
      if (!((code === 'ENOTEMPTY' || code === 'EEXIST') && installedFrom(EMULATOR_DIR) === PACKAGE)) throw error;
    }
    return EMULATOR_DIR;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && /npm|tar/.test((error as Error).message)) {
      throw new Error(`Cannot download DynamoDB Local: ${(error as Error).message}`);
    }
    throw error;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** One progress line (npm start prints them; the default goes to stderr). */
export type Progress = (line: string) => void;
const stderrProgress: Progress = (line) => process.stderr.write(`${line}\n`);

/**
 * The package's tarball, with a percentage as it comes: its URL from `npm view` (the registry and
 * proxy npm is configured with), fetched here so the bytes can be counted. If that fails, `npm pack`
 * as before (no percentage). Either way the caller checks the pinned integrity.
 */
async function downloadWithProgress(tmp: string, progress: Progress): Promise<string> {
  try {
    const url = (await run('npm', ['view', PACKAGE, 'dist.tarball'], tmp)).stdout.trim();
    const res = await fetch(url);
    if (!res.ok || !res.body) throw new Error(`${res.status}`);
    const total = Number(res.headers.get('content-length')) || 0;
    const file = join(tmp, 'package.tgz');
    const out = createWriteStream(file);
    let received = 0;
    let shown = -1;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      received += chunk.length;
      if (!out.write(chunk)) await new Promise<void>((drained) => out.once('drain', () => drained()));
      const percent = total ? Math.floor((received / total) * 100) : -1;
      if (percent >= shown + 10) {
        shown = percent - (percent % 10);
        progress(`  DynamoDB Local download ${shown}% (${(received / 1e6).toFixed(0)} of ${(total / 1e6).toFixed(0)} MB)`);
      }
    }
    await new Promise<void>((closed, failed) => out.end((error?: Error | null) => (error ? failed(error) : closed())));
    return file;
  } catch (error) {
    progress(`  (no progress: ${(error as Error).message.split('\n')[0]}; npm pack instead)`);
    const { stdout } = await run('npm', ['pack', PACKAGE, '--silent', '--pack-destination', tmp], tmp);
    return join(tmp, stdout.trim().split('\n').pop()!.trim());
  }
}

/** Compiles the launcher into <emulator>/launcher unless an up-to-date class file is there. */
async function ensureLauncherCompiled(emulatorDir: string): Promise<string> {
  const outDir = join(emulatorDir, 'launcher');
  const classFile = join(outDir, 'LocalhostLauncher.class');
  if (existsSync(classFile) && statSync(classFile).mtimeMs >= statSync(LAUNCHER_SOURCE).mtimeMs) return outDir;
  await requireJdk();
  await mkdir(outDir, { recursive: true });
  const tmp = await mkdtemp(join(emulatorDir, '.tmp-launcher-'));
  try {
    await run(javaTool('javac'), ['-nowarn', '-d', tmp, '-cp', join(emulatorDir, 'DynamoDBLocal.jar'), LAUNCHER_SOURCE]);
    // File renames are atomic, so a concurrent start sees the old or the new class, never half of one.
    for (const file of await readdir(tmp)) await rename(join(tmp, file), join(outDir, file));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return outDir;
}

let jdkChecked: Promise<string> | undefined;
/** javac (and so a JDK) of version 17 or newer, checked once per process. */
function requireJdk(): Promise<string> {
  jdkChecked ??= checkJdk();
  return jdkChecked;
}

/** Resolves with javac's version line. */
async function checkJdk(): Promise<string> {
  let version: string;
  try {
    const { stdout, stderr } = await run(javaTool('javac'), ['-version']);
    version = `${stdout}${stderr}`;
  } catch (error) {
    throw new Error(`${JAVA_REQUIRED} (javac: ${(error as Error).message})`);
  }
  const major = Number(/javac (\d+)/.exec(version)?.[1]);
  if (!(major >= 17)) throw new Error(`${JAVA_REQUIRED} (found ${version.trim() || 'an unknown javac'})`);
  return `${version.trim()} (${javaTool('javac')})`;
}

async function answersListTables(endpoint: string): Promise<boolean> {
  const { DynamoDBClient, ListTablesCommand } = require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb');
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }));
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts DynamoDB Local on host:port (127.0.0.1 by default; port 0 picks a free one), in memory
 * unless dbPath is given, with one shared database whatever the region and credentials.
 * Resolves once the port answers ListTables.
 */
export async function startDynamoDbLocal(opts: {
  port: number;
  dbPath?: string;
  host?: string;
  /** progress lines (download, Java, ready); default stderr */
  progress?: Progress;
  /** called once if the emulator exits after it started and before stop() */
  onUnexpectedExit?: (exit: { pid: number | undefined; code: number | null; signal: NodeJS.Signals | null }) => void;
}): Promise<DynamoDbLocal> {
  const host = opts.host ?? '127.0.0.1';
  // Fail before a 57 MB download if there is no JDK to use it with.
  const progress = opts.progress ?? stderrProgress;
  if (installedFrom(EMULATOR_DIR) !== PACKAGE) progress(`Java: ${await requireJdk()}`);
  const emulatorDir = await ensureDynamoDbLocalInstalled(progress);
  const launcherDir = await ensureLauncherCompiled(emulatorDir);
  const args = [
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    ...(host.includes(':') ? [] : ['-Djava.net.preferIPv4Stack=true']),
    '-Dlauncher.exitOnStdinEof=true',
    `-Djava.library.path=${join(emulatorDir, 'DynamoDBLocal_lib')}`,
    '-cp',
    [join(emulatorDir, 'DynamoDBLocal.jar'), launcherDir].join(delimiter),
    'LocalhostLauncher',
    host,
    String(opts.port),
  ];
  if (opts.dbPath !== undefined) {
    const dbPath = resolve(opts.dbPath);
    await mkdir(dbPath, { recursive: true });
    args.push(dbPath);
  }

  // stdin stays an open pipe: the launcher exits when it closes, i.e. when this process dies.
  const child: ChildProcess = spawn(javaTool('java'), args, {
    cwd: emulatorDir,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' },
  });
  const killOnExit = () => {
    child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(
      ...chunk
        .toString('utf8')
        .split('\n')
        .filter((line) => line.trim() !== ''),
    );
    tail.splice(0, Math.max(0, tail.length - 20));
  };
  child.stderr!.on('data', keep);

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolveExit) => {
    child.once('error', (error) => resolveExit({ code: null, signal: null, error }));
    child.once('exit', (code, signal) => resolveExit({ code, signal }));
  });
  void exited.then(() => process.off('exit', killOnExit));

  child.stdin!.on('error', () => undefined);
  let out = '';
  const listening = new Promise<number>((resolveListening) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out = (out + chunk.toString('utf8')).slice(-4096);
      const match = /^LISTENING \S+ (\d+)$/m.exec(out);
      if (match) resolveListening(Number(match[1]));
    });
  });

  let stopping = false;
  let boundPort: number | undefined;
  const stop = async (): Promise<void> => {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    child.stdin?.destroy();
    // 'exit' can be seen a moment before the kernel has released the listening
    // socket: return only once the port can be bound again (bounded wait).
    if (boundPort !== undefined) {
      const deadline = Date.now() + 5000;
      while (!(await isPortFree(boundPort, host)) && Date.now() < deadline) await sleep(20);
    }
  };

  const fail = async (message: string): Promise<never> => {
    await stop().catch(() => undefined);
    throw new Error(message);
  };

  let timer: NodeJS.Timeout | undefined;
  const first = await Promise.race([
    listening.then((port) => ({ port }) as const),
    exited.then((result) => ({ exited: result }) as const),
    new Promise<{ timeout: true }>((r) => {
      timer = setTimeout(() => r({ timeout: true }), START_TIMEOUT_MS);
    }),
  ]);
  clearTimeout(timer);
  if ('exited' in first) {
    const { code, signal, error } = first.exited;
    if (error) {
      return fail((error as NodeJS.ErrnoException).code === 'ENOENT' ? `${JAVA_REQUIRED} (java: command not found)` : `DynamoDB Local: cannot start java: ${error.message}`);
    }
    if (code === 3) return fail(`DynamoDB Local: port ${opts.port} on ${host} is in use`);
    return fail(`DynamoDB Local exited early (${signal ?? `code ${code}`}):\n${tail.slice(-10).join('\n') || '(no output)'}`);
  }
  if ('timeout' in first) return fail(`DynamoDB Local did not start listening within ${START_TIMEOUT_MS / 1000} s:\n${tail.slice(-10).join('\n')}`);

  const port = first.port;
  boundPort = port;
  const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await answersListTables(endpoint))) {
    if (child.exitCode !== null || child.signalCode !== null) {
      return fail(`DynamoDB Local exited early:\n${tail.slice(-10).join('\n') || '(no output)'}`);
    }
    if (Date.now() > deadline) return fail(`DynamoDB Local on ${endpoint} does not answer ListTables:\n${tail.slice(-10).join('\n')}`);
    await sleep(100);
  }
  void exited.then(({ code, signal }) => {
    if (!stopping) opts.onUnexpectedExit?.({ pid: child.pid, code, signal });
  });
  progress(`DynamoDB Local: ${javaTool('java')} (pid ${child.pid}) answers on ${endpoint}`);
  return { endpoint, port, stop };
}
