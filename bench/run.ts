/**
 * `npm run bench [-- --only <group>[,<group>...]] [-- --keep]`
 *
 * Starts its own local stack (a child process with its own temporary home and free ports,
 * like the test suite), runs the benchmark groups, prints ONE JSON document on stdout
 * (progress goes to stderr), stops the stack and exits (0 when every group ran).
 * Groups: api, bundles, consoleBundle, propagation, credentialSet, redemption, callPush, callMedia, notifications, webhooks, packages, roster. Everything listens on and
 * talks to 127.0.0.1 only.
 */
import { cpus, freemem, loadavg, totalmem, tmpdir } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCommandLine, usageExit } from '../iot/panel/cli-input.ts';
import { freePortBase, startStackProcess, type StackProcess } from '../test/support/stack-process.ts';
import { apiBench } from './api.ts';
import { bundlesBench } from './bundles.ts';
import { callMediaBench } from './call-media.ts';
import { callPushBench } from './call-push.ts';
import { credentialSetBench } from './credential-set.ts';
import { BenchContext } from './lib/context.ts';
import { log, ms } from './lib/stats.ts';
import { propagationBench } from './propagation.ts';
import { redemptionBench } from './redemption.ts';
import { packagesBench } from './packages.ts';
import { notificationsBench } from './notifications.ts';
import { webhooksBench } from './webhooks.ts';
import { rosterBench } from './roster.ts';
import { consoleBundleBench } from './console-bundle.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const GROUPS = [
  'api',
  'bundles',
  'consoleBundle',
  'propagation',
  'credentialSet',
  'redemption',
  'callPush',
  'callMedia',
  'notifications',
  'webhooks',
  'packages',
  'roster',
] as const;
type Group = (typeof GROUPS)[number];
/** Run order: bundles first, before the stack exists (its cold-start timings want a quiet machine); the big seeding last. */
const RUN_ORDER: Group[] = [
  'bundles',
  'consoleBundle',
  'api',
  'callPush',
  'callMedia',
  'notifications',
  'webhooks',
  'packages',
  'roster',
  'propagation',
  'redemption',
  'credentialSet',
];

const USAGE = `usage: npm run -s bench [-- --only <${GROUPS.join('|')}>[,...]] [-- --keep]
  Starts its own local stack, runs the groups, prints one JSON document on stdout (progress on stderr).`;
const { values } = parseCommandLine('bench', USAGE, {
  options: {
    only: { type: 'string', multiple: true },
    keep: { type: 'boolean', default: false },
  },
});
const only = (values.only ?? [])
  .flatMap((v) => v.split(','))
  .map((v) => v.trim())
  .filter(Boolean);
const unknown = only.filter((g) => !GROUPS.includes(g as Group));
if (unknown.length > 0) usageExit('bench', USAGE, `unknown group(s) ${unknown.join(', ')}`);
const selected = RUN_ORDER.filter((g) => only.length === 0 || only.includes(g));

const started = performance.now();
const results: Partial<Record<Group, unknown>> = {};
const failures: string[] = [];
let stack: StackProcess | undefined;
let ctx: BenchContext | undefined;
let home = '';
let stackStartMs: number | undefined;

const loadAtStart = loadavg().map((x) => ms(x, 2));
const groupLoad: Partial<Record<Group, number>> = {};

// Interrupted: take the stack down with us (it is our child; its DynamoDB Local is its child).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`bench: ${signal}, stopping the local stack\n`);
    void (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

const hardLimit = setTimeout(() => {
  process.stderr.write('bench: gave up after 15 minutes\n');
  void (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(1));
}, 15 * 60_000);
hardLimit.unref();

async function ensureStack(): Promise<BenchContext> {
  if (ctx) return ctx;
  home = await mkdtemp(join(tmpdir(), 'lobby-bench-'));
  const portBase = await freePortBase();
  log(`starting the local stack (home ${home}, ports ${portBase}-${portBase + 4})`);
  const t = performance.now();
  stack = await startStackProcess({ home, portBase, logFile: join(home, 'logs', 'stack.log'), env: { POWERTOOLS_LOG_LEVEL: 'INFO' } });
  stackStartMs = performance.now() - t;
  log(`local stack up in ${(stackStartMs / 1000).toFixed(1)} s`);
  ctx = new BenchContext(stack.info, home);
  return ctx;
}

for (const group of selected) {
  const t = performance.now();
  groupLoad[group] = ms(loadavg()[0]!, 2);
  log(`== ${group} (load average ${groupLoad[group]})`);
  try {
    switch (group) {
      case 'bundles':
        results.bundles = await bundlesBench();
        break;
      case 'consoleBundle':
        results.consoleBundle = await consoleBundleBench();
        break;
      case 'api':
        results.api = await apiBench(await ensureStack());
        break;
      case 'callPush':
        results.callPush = await callPushBench(await ensureStack());
        break;
      case 'callMedia':
        results.callMedia = await callMediaBench(await ensureStack());
        break;
      case 'propagation':
        results.propagation = await propagationBench(await ensureStack());
        break;
      case 'redemption':
        results.redemption = await redemptionBench(await ensureStack());
        break;
      case 'notifications':
        results.notifications = await notificationsBench(await ensureStack());
        break;
      case 'webhooks':
        results.webhooks = await webhooksBench(await ensureStack());
        break;
      case 'packages':
        results.packages = await packagesBench(await ensureStack());
        break;
      case 'roster':
        results.roster = await rosterBench(await ensureStack());
        break;
      case 'credentialSet':
        results.credentialSet = await credentialSetBench(await ensureStack());
        break;
    }
    Object.assign(results[group] as Record<string, unknown>, { groupMs: ms(performance.now() - t, 0), loadAverage1mAtStart: groupLoad[group] });
    log(`== ${group} done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  } catch (error) {
    failures.push(group);
    results[group] = { error: (error as Error).message };
    log(`== ${group} FAILED: ${(error as Error).stack ?? error}`);
  }
}

ctx?.close();
if (stack) {
  log('stopping the local stack');
  await stack.stop();
}
const keepState = values.keep || failures.length > 0;
if (home && !keepState) await rm(home, { recursive: true, force: true });
else if (home) log(`stack state and log kept in ${home}`);

const cpu = cpus();
const document = {
  benchmark: 'lobby',
  date: new Date().toISOString(),
  machine: {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpu.length,
    cpuModel: cpu[0]?.model ?? 'unknown',
    memoryGB: ms(totalmem() / 2 ** 30, 1),
    freeMemoryGBAtEnd: ms(freemem() / 2 ** 30, 1),
    // Anything else running on the machine (other test runs, builds) shows here and skews the timings.
    loadAverage: { atStart: loadAtStart, atEnd: loadavg().map((x) => ms(x, 2)), note: '1, 5, 15 minutes' },
  },
  groups: selected,
  stack: stack ? { startMs: ms(stackStartMs ?? 0, 0), dynamodb: 'DynamoDB Local, in memory', logLevel: 'INFO', process: 'child process, local/start.ts' } : null,
  totalMs: ms(performance.now() - started, 0),
  results: Object.fromEntries(GROUPS.filter((g) => g in results).map((g) => [g, results[g]])),
  ...(failures.length > 0 && { failed: failures }),
};
process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
process.exit(failures.length > 0 ? 1 : 0);
