/**
 * `npm run cost [-- --sample N] [-- --plan lite|essentials|plus] [-- --mau N]`
 *
 * What a 300-unit building costs per month on AWS (us-east-1), alone and in a fleet of 1,000
 * sharing one stage. It synthesizes the stack (fixed resources: alarms, dashboards, secrets,
 * keys, memory, tracing, user pool plan), starts its own local stack with bench/cost/probe.mjs
 * loaded into it, runs a simulated building day (bench/cost/day.ts: samples of each activity,
 * scaled up), multiplies by bench/cost/prices.ts and prints ONE JSON document on stdout
 * (progress on stderr). Everything listens on and talks to 127.0.0.1 only.
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { freePortBase, startStackProcess, type StackProcess } from '../test/support/stack-process.ts';
import { HEARTBEAT_SECONDS } from '../iot/protocol/topics.ts';
import { BenchContext } from './lib/context.ts';
import { log } from './lib/stats.ts';
import { BUILDING_DAY, CostDay, defaultSample } from './cost/day.ts';
import { buildingMonth, defaultAssumptions, fleetCost, topDrivers, type CognitoPlan, type CostResult } from './cost/model.ts';
import { prices } from './cost/prices.ts';
import { stageResources } from './cost/stage.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const ROOT = resolve(import.meta.dirname, '..');
const FLEET = 1_000;

const { values } = parseArgs({
  options: {
    sample: { type: 'string', default: '1' },
    plan: { type: 'string' },
    mau: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stderr.write('usage: npm run cost [-- --sample <factor, default 1>] [-- --plan lite|essentials|plus] [-- --mau <per building>]\n');
  process.exit(0);
}
const factor = Number(values.sample);
if (!(factor > 0)) throw new Error('--sample must be a positive number');
const sample = Object.fromEntries(Object.entries(defaultSample).map(([k, v]) => [k, Math.max(1, Math.round(v * factor))])) as unknown as typeof defaultSample;
const assumptions = { ...defaultAssumptions, ...(values.mau ? { mauPerBuilding: Number(values.mau) } : {}) };

const started = performance.now();
let stack: StackProcess | undefined;
let day: CostDay | undefined;
let ctx: BenchContext | undefined;
const home = await mkdtemp(join(tmpdir(), 'lobby-cost-'));
const stop = async () => {
  await day?.stop().catch(() => {});
  ctx?.close();
  await stack?.stop();
  await rm(home, { recursive: true, force: true, maxRetries: 3 });
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop().finally(() => process.exit(130)));

try {
  log('cost: synthesizing the stack for its fixed resources');
  const { stage: synthesized, source, logLevel } = await stageResources(ROOT);
  const stage = values.plan ? { ...synthesized, cognitoPlan: values.plan as CognitoPlan } : synthesized;
  const portBase = await freePortBase();
  const probeFile = join(home, 'probe.json');
  const logFile = join(home, 'logs', 'stack.log');
  log(`cost: starting the local stack with the cost probe (ports ${portBase}-${portBase + 4}, log level ${logLevel})`);
  stack = await startStackProcess({
    home,
    portBase,
    logFile,
    env: {
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${pathToFileURL(join(ROOT, 'bench', 'cost', 'probe.mjs')).href}`.trim(),
      LOBBY_COST_PROBE_OUT: probeFile,
      POWERTOOLS_LOG_LEVEL: logLevel,
    },
  });
  ctx = new BenchContext(stack.info, home);
  day = new CostDay(ctx, { child: stack.child, logFile, probeFile });
  await day.setUp();
  const measured = await day.run(sample);
  const month = buildingMonth(measured, stage, assumptions);
  const round = (x: number, d = 4) => Number(x.toFixed(d));
  const shape = (r: CostResult) => ({
    usdPerBuildingMonth: round(r.usdPerBuilding, 2),
    topDrivers: topDrivers(r, 6).map((l) => ({ what: `${l.service}: ${l.item}`, usd: round(l.usdPerBuilding, 3) })),
    lines: r.lines.filter((l) => l.usdPerBuilding >= 0.0005).map((l) => ({ what: `${l.service}: ${l.item}`, usd: round(l.usdPerBuilding, 4) })),
  });
  const perFunction = Object.fromEntries(
    Object.entries(measured.lambda).map(([fn, v]) => [
      fn,
      { invocationsPerDay: Math.round(v.invocations), meanMs: round(v.ms / Math.max(1, v.invocations), 1), memoryMb: stage.memoryMb[fn] ?? stage.defaultMemoryMb },
    ]),
  );
  const out = {
    building: { ...BUILDING_DAY, heartbeatSeconds: HEARTBEAT_SECONDS },
    stage: { ...stage, source, logLevel },
    assumptions,
    sampling: day.phases,
    perDay: {
      apiRequests: Math.round(measured.apiRequests),
      lambda: perFunction,
      iotMessages: Math.round(measured.iot.messageUnits + measured.iot.pubacks),
      iotPubacks: Math.round(measured.iot.pubacks),
      iotShadowOps: Math.round(measured.iot.shadowOpUnits),
      iotRules: Math.round(measured.iot.ruleUnits),
      dynamoReadUnits: Math.round(measured.dynamodb.readUnits),
      dynamoWriteUnits: Math.round(measured.dynamodb.writeUnits),
      dynamoBytesAdded: Math.round(measured.dynamodb.storageBytesAdded),
      s3Puts: Math.round(measured.s3.puts),
      s3Gets: Math.round(measured.s3.gets),
      s3BytesAdded: Math.round(measured.s3.bytesAdded),
      logBytes: Math.round(measured.logBytes),
    },
    perMonth: Object.fromEntries(Object.entries(month).map(([k, v]) => [k, round(v, 3)])),
    oneBuilding: shape(fleetCost(month, stage, 1)),
    [`perBuildingAt${FLEET}`]: shape(fleetCost(month, stage, FLEET)),
    // The user pool's plan is the biggest lever: the same month under each plan (usd per building).
    byCognitoPlan: Object.fromEntries(
      (['lite', 'essentials', 'plus'] as const).map((plan) => [
        plan,
        {
          oneBuilding: round(fleetCost(month, { ...stage, cognitoPlan: plan }, 1).usdPerBuilding, 2),
          [`perBuildingAt${FLEET}`]: round(fleetCost(month, { ...stage, cognitoPlan: plan }, FLEET).usdPerBuilding, 2),
        },
      ]),
    ),
    listPriceNoFreeTier: {
      oneBuilding: round(fleetCost(month, stage, 1, { alwaysFree: false }).usdPerBuilding, 2),
      [`perBuildingAt${FLEET}`]: round(fleetCost(month, stage, FLEET, { alwaysFree: false }).usdPerBuilding, 2),
    },
    unverifiedPrices: Object.entries(prices).flatMap(([service, table]) =>
      Object.entries(table)
        .filter(([, p]) => !p.verified)
        .map(([name, p]) => `${service}.${name} = ${p.usd} per ${p.per}`),
    ),
    seconds: round((performance.now() - started) / 1000, 1),
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  await stop();
  process.exit(0);
} catch (error) {
  process.stderr.write(`cost: ${(error as Error).stack ?? error}\n`);
  // Keep the stack's log (the home is removed on the way out).
  const kept = join(tmpdir(), 'lobby-cost-stack.log');
  await copyFile(join(home, 'logs', 'stack.log'), kept).then(
    () => process.stderr.write(`cost: the local stack's log is in ${kept}\n`),
    () => {},
  );
  await stop();
  process.exit(1);
}
